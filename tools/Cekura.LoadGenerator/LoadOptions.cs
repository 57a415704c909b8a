using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cekura.LoadGenerator;

/// <summary>What to send and how hard; which phases run is <see cref="Plan"/>.</summary>
public enum LoadPlan
{
    /// <summary>No-op and ingest at the same fixed concurrency (the maximum), then ingest open-loop at half the rate reached.</summary>
    Full,

    /// <summary>No-op and ingest open-loop at <see cref="LoadOptions.Rate"/>.</summary>
    Rate,

    /// <summary>No-op and ingest closed-loop at <see cref="LoadOptions.Concurrency"/>.</summary>
    Concurrency,

    /// <summary>
    /// OTLP trace exports of <see cref="LoadOptions.SpansPerExport"/> spans to <c>POST /v1/traces</c>, closed-loop at
    /// <see cref="LoadOptions.Concurrency"/>, after the no-op endpoint with the same bodies; reported in spans/s.
    /// </summary>
    Spans,
}

/// <summary>
/// Command-line settings (<c>--url</c>, <c>--key</c>, …; every one may also be an environment variable
/// <c>CEKURA_LOAD_&lt;NAME&gt;</c>). See <c>--help</c>.
/// </summary>
public sealed class LoadOptions
{
    public string Url { get; set; } = "http://localhost:8080";
    public string? Key { get; set; }
    public long Agent { get; set; } = 1;
    public LoadPlan Plan { get; set; } = LoadPlan.Full;

    /// <summary>Spans in each OTLP export of <see cref="LoadPlan.Spans"/>.</summary>
    public int SpansPerExport { get; set; } = 50;

    /// <summary>Requests in flight for closed-loop phases (Full's maximum, Concurrency).</summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>Calls per second for open-loop phases (Rate; Full's second phase when set, else half the maximum reached).</summary>
    public double Rate { get; set; }

    /// <summary>Seconds of each no-op and maximum phase (and of a Rate/Concurrency phase).</summary>
    public double Duration { get; set; } = 20;

    /// <summary>Seconds of Full's half-rate phase; the backlog of transcript-only calls is read over it.</summary>
    public double HalfDuration { get; set; } = 120;

    /// <summary>
    /// Seconds of closed-loop sends (4 at a time) to each endpoint before anything is measured, not reported: a fresh
    /// process compiles its code and opens its connections on the first requests. The JIT's tiering (optimized
    /// recompiles of what runs often) goes on on a background thread long after the first requests: with 5 or 10 s a
    /// CPU profile of the host 12 s into the maximum phase had that thread at 15 % of the machine's CPU, and 0.4 % a
    /// minute in, so the default leaves it 30 s and the phases measure the steady state.
    /// </summary>
    public double Warmup { get; set; } = 30;

    /// <summary>Measure the no-op endpoint first (it must be enabled on the gateway: Gateway__NoOpEndpoint=true).</summary>
    public bool NoOp { get; set; } = true;

    /// <summary>Share of calls sent as multipart with a generated recording (0-1).</summary>
    public double Recordings { get; set; } = 0.1;

    /// <summary>
    /// The recordings' file format: wav (generated here; ingest checks it from its header), or mp3 / ogg (Opus) / flac,
    /// encoded from that WAV by ffmpeg before the run, which go through ffprobe and ffmpeg on the server as such
    /// uploads from providers do.
    /// </summary>
    public string RecordingFormat { get; set; } = "wav";

    public int MinTurns { get; set; } = 20;
    public int MaxTurns { get; set; } = 200;

    /// <summary>Comma-separated transcript formats to mix.</summary>
    public string Formats { get; set; } = string.Join(',', Calls.TranscriptFormats.All);

    /// <summary>Poll the API until every accepted call is evaluated (end-to-end completion times).</summary>
    public bool Completion { get; set; } = true;
    public double PollInterval { get; set; } = 1;

    /// <summary>Longest wait for the chain to finish after a phase; also ends when nothing completes for <see cref="StallSeconds"/>.</summary>
    public double DrainTimeout { get; set; } = 600;
    public double StallSeconds { get; set; } = 60;

    /// <summary>Per-request client timeout in seconds (a timeout counts as an error, status "timeout").</summary>
    public double RequestTimeout { get; set; } = 60;

    /// <summary>Open-loop only: requests allowed in flight before the generator counts a send as dropped.</summary>
    public int MaxInFlight { get; set; } = 4096;

    /// <summary>TCP connections the client may open to the gateway.</summary>
    public int MaxConnections { get; set; } = 512;

    public int Seed { get; set; } = 16;

    /// <summary>Prefix of every call_id; default: a fresh one per run (call_ids are unique per project).</summary>
    public string? RunId { get; set; }

    /// <summary>Also write the markdown report to this file.</summary>
    public string? Report { get; set; }

    public IReadOnlyList<string> FormatList => Formats.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--half-duration"] = nameof(HalfDuration),
        ["--noop"] = nameof(NoOp),
        ["--min-turns"] = nameof(MinTurns),
        ["--max-turns"] = nameof(MaxTurns),
        ["--poll-interval"] = nameof(PollInterval),
        ["--drain-timeout"] = nameof(DrainTimeout),
        ["--stall-seconds"] = nameof(StallSeconds),
        ["--request-timeout"] = nameof(RequestTimeout),
        ["--max-in-flight"] = nameof(MaxInFlight),
        ["--max-connections"] = nameof(MaxConnections),
        ["--run-id"] = nameof(RunId),
        ["--recording-format"] = nameof(RecordingFormat),
    };

    public static LoadOptions Read(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("CEKURA_LOAD_")
            .AddCommandLine(args, Switches.ToDictionary(p => p.Key, p => p.Value))
            .Build();
        var options = configuration.Get<LoadOptions>() ?? new LoadOptions();
        options.Key ??= Environment.GetEnvironmentVariable("CEKURA_API_KEY");
        return options;
    }

    /// <summary>Every problem with these settings, one line each; empty when they can run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            problems.Add($"--url must be an absolute http(s) URL, not '{Url}'.");
        if (string.IsNullOrWhiteSpace(Key)) problems.Add("--key (or CEKURA_API_KEY) is required.");
        if (Concurrency is < 1 or > 10_000) problems.Add("--concurrency must be 1-10000.");
        if (Plan == LoadPlan.Rate && Rate <= 0) problems.Add("--plan rate needs --rate > 0 (calls per second).");
        if (Rate < 0) problems.Add("--rate must not be negative.");
        if (SpansPerExport is < 1 or > 100_000) problems.Add("--spans-per-export must be 1-100000.");
        if (Warmup < 0) problems.Add("--warmup must not be negative.");
        if (Duration <= 0 || HalfDuration <= 0) problems.Add("--duration and --half-duration must be > 0 seconds.");
        if (Recordings is < 0 or > 1) problems.Add("--recordings is a share between 0 and 1.");
        if (!Calls.RecordingEncoder.Formats.Contains(RecordingFormat))
            problems.Add($"--recording-format must be one of {string.Join(", ", Calls.RecordingEncoder.Formats)}, not '{RecordingFormat}'.");
        if (MinTurns < 2 || MaxTurns < MinTurns) problems.Add("--min-turns must be >= 2 and <= --max-turns.");
        var unknown = FormatList.Except(Calls.TranscriptFormats.All).ToList();
        if (FormatList.Count == 0 || unknown.Count > 0)
            problems.Add($"--formats: unknown {string.Join(", ", unknown)}; choose from {string.Join(", ", Calls.TranscriptFormats.All)}.");
        if (PollInterval <= 0 || RequestTimeout <= 0 || DrainTimeout < 0 || StallSeconds <= 0)
            problems.Add("--poll-interval, --request-timeout, --stall-seconds must be > 0 and --drain-timeout >= 0.");
        if (MaxInFlight < 1 || MaxConnections < 1) problems.Add("--max-in-flight and --max-connections must be >= 1.");
        return problems;
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"plan {Plan.ToString().ToLowerInvariant()}, concurrency {Concurrency}, rate {(Rate > 0 ? Rate.ToString("0.#", CultureInfo.InvariantCulture) + "/s" : "auto")}, " +
        $"{Duration:0.#} s phases (half-rate {HalfDuration:0.#} s), {MinTurns}-{MaxTurns} turns, formats {Formats}, recordings {Recordings:P0} ({RecordingFormat})");

    public const string Help = """
        Cekura load generator: posts realistic calls to Send Calls and reports throughput, latency and completion.

          dotnet tools/Cekura.LoadGenerator/bin/Release/net10.0/Cekura.LoadGenerator.dll --url http://localhost:8080 --key ck_live_...

          --url URL              gateway base address (default http://localhost:8080)
          --key KEY              X-CEKURA-API-KEY (default $CEKURA_API_KEY)
          --agent ID             agent id of the calls (default 1, the demo agent)
          --plan full|rate|concurrency|spans
                                 full (default): no-op then ingest, closed-loop at --concurrency for --duration s each;
                                 then ingest open-loop at half the accepted rate reached (or --rate) for --half-duration s.
                                 rate: no-op then ingest open-loop at --rate calls/s. concurrency: both closed-loop.
                                 spans: no-op then POST /v1/traces closed-loop, both with OTLP/JSON exports of
                                 --spans-per-export spans (default 50); reported in spans/s.
          --concurrency N        requests in flight, closed-loop (default 32)
          --rate R               calls per second, open-loop: sent on schedule whatever the answers, latency counted
                                 from the scheduled time (no coordinated omission)
          --duration S           seconds per phase (default 20); --half-duration S (default 120)
          --warmup S             unreported closed-loop sends to each endpoint first (default 30)
          --noop true|false      measure POST /observability/v1/noop/ first (needs Gateway__NoOpEndpoint=true)
          --recordings F         share of calls with a generated recording upload (default 0.1)
          --recording-format wav|mp3|ogg|flac   the uploads' format (default wav); mp3/ogg/flac are encoded from the
                                 generated WAV by ffmpeg (on PATH) before the run
          --min-turns N --max-turns N   transcript length (default 20-200)
          --formats LIST         cekura,vapi,retell,elevenlabs,livekit,pipecat (default all)
          --completion true|false  poll until every accepted call is evaluated (default true)
          --poll-interval S      (default 1) --drain-timeout S (default 600) --stall-seconds S (default 60)
          --request-timeout S    (default 60) --max-in-flight N (default 4096) --max-connections N (default 512)
          --seed N --run-id ID   --report FILE (also write the markdown report there)
        Every setting may also come from CEKURA_LOAD_<NAME> (e.g. CEKURA_LOAD_RATE=50).
        """;
}
