using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cekura.Benchmarks.Redaction;
using Cekura.Contracts;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Traces;
using Cekura.Evaluation.CustomCode;
using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Spans;

namespace Cekura.Benchmarks.Metrics;

/// <summary>
/// The evaluation stage's cost per call, with BenchmarkDotNet in process, against serializing the same call to JSON
/// (which storing it costs anyway) as the baseline measured in the same run:
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- metrics --filter '*'
/// BenchmarkDotNet measures wall time, which on a shared machine includes waiting for a core; a second table then
/// gives the process's CPU time per call for the same cases (each run in a loop for a few seconds).
/// </summary>
public static class MetricsBenchmarks
{
    public static void Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(8).WithId("in-process"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromTypes([typeof(CallMetricsBenchmark)]).Run(args, config);
        PrintCpuTimes(seconds: 3);
    }

    private static void PrintCpuTimes(double seconds)
    {
        var bench = new CallMetricsBenchmark();
        bench.Setup();
        try
        {
            var cases = new (string Name, Action Call)[]
            {
                ("JsonSerializer.Serialize(call) [baseline]", () => bench.Serialize_call()),
                ("predefined metrics, no trace, transcript", () => bench.Predefined_metrics_from_transcript()),
                ("predefined metrics, no trace, recording", () => bench.Predefined_metrics_from_recording()),
                ("predefined metrics + 600 spans, recording", () => bench.Predefined_metrics_with_spans()),
                ("span metrics 15-19 alone, 600 spans", () => bench.Span_metrics()),
                ("custom_code data JSON (CustomCodeData)", () => bench.Custom_code_data()),
                ("one custom_code metric (sandbox run)", () => bench.Custom_code_metric()),
            };
            Console.WriteLine();
            Console.WriteLine($"CPU time of the process per call ({seconds:0} s of calls per case, after a warm-up):");
            Console.WriteLine($"| {"case",-42} | {"CPU per call",12} | {"ratio to baseline",17} |");
            Console.WriteLine($"| {new string('-', 42)} | {new string('-', 11)}: | {new string('-', 16)}: |");
            double? baseline = null;
            foreach (var (name, call) in cases)
            {
                var perCall = CpuPerCall(call, seconds);
                baseline ??= perCall;
                Console.WriteLine($"| {name,-42} | {perCall * 1e6,9:0.0} us | {perCall / baseline.Value,17:0.00} |");
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>Seconds of process CPU time (all threads: the sandbox runs on the thread pool, GC included) per call.</summary>
    private static double CpuPerCall(Action call, double seconds)
    {
        var process = Process.GetCurrentProcess();
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed.TotalSeconds < 0.5)
        {
            call();
        }
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var calls = 0L;
        wall.Restart();
        while (wall.Elapsed.TotalSeconds < seconds)
        {
            call();
            calls++;
        }
        process.Refresh();
        return (process.TotalProcessorTime - cpuBefore).TotalSeconds / calls;
    }
}

/// <summary>
/// The 10-minute, 150-turn call of the redaction benchmark (10 function calls), evaluated from its transcript times
/// and from stereo speaking segments (each turn split in two at a pause, as voice activity does), with and without
/// the agent's trace (~600 spans), and one typical custom_code metric run through the sandbox on the same call's data.
/// </summary>
[MemoryDiagnoser]
public class CallMetricsBenchmark
{
    /// <summary>A binary metric of the kind users write: reads transcript_json, recording_data and an earlier metric.</summary>
    public const string TypicalCustomCode = """
        const agent = data.transcript_json.filter(t => t.role === 'Main Agent');
        const questions = agent.filter(t => t.content.trim().endsWith('?')).length;
        const talk = data.recording_data ? data.recording_data.main_speaking.reduce((s, x) => s + (x.end - x.start), 0) : 0;
        const latency = data.metrics.find(m => m.name === 'Latency');
        _result = agent.length > 0 && questions / agent.length < 0.5 && (!latency || latency.score < 2000);
        _explanation = [`${questions} of ${agent.length} agent turns are questions`, `agent spoke ${talk.toFixed(1)} s`];
        """;

    private IReadOnlyList<TranscriptEntry> _transcript = null!;
    private RecordingData _recording = null!;
    private CallLog _call = null!;
    private CustomCodeRunner _runner = null!;
    private CustomCodeRequest _customCode = null!;
    private CallTrace _trace = null!;

    [GlobalSetup]
    public void Setup()
    {
        _transcript = SampleCall.Transcript();
        _recording = Segments(_transcript);
        _trace = CallTrace.Found(Trace(_transcript), DateTimeOffset.UnixEpoch);
        _call = new CallLog
        {
            OrganizationId = 1, ProjectId = 1, CallId = "bench", AgentId = 1, TranscriptType = "cekura",
            Timestamp = DateTimeOffset.UnixEpoch, TranscriptObject = _transcript, RecordingData = _recording,
            DurationSeconds = SampleCall.Seconds, CallEndedReason = "customer-ended-call",
            Metrics = CallEvaluator.Evaluate(_transcript, _recording, SampleCall.Seconds, "customer-ended-call").Metrics,
        };
        _runner = new CustomCodeRunner(new CustomCodeOptions());
        _customCode = new CustomCodeRequest(TypicalCustomCode, CustomCodeEvalTypes.Binary, [], DataJson());
        var check = _runner.RunAsync(_customCode, CancellationToken.None).GetAwaiter().GetResult();
        if (!check.Evaluated)
        {
            throw new InvalidOperationException($"The benchmark's custom code metric fails: {check.Error}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark(Baseline = true, Description = "JsonSerializer.Serialize(call) [baseline]")]
    public int Serialize_call() => JsonSerializer.Serialize(_call, CekuraJson.Options).Length;

    [Benchmark(Description = "predefined metrics, no trace, transcript")]
    public int Predefined_metrics_from_transcript() =>
        CallEvaluator.Evaluate(_transcript, recording: null, SampleCall.Seconds, "customer-ended-call").Metrics.Count;

    [Benchmark(Description = "predefined metrics, no trace, recording")]
    public int Predefined_metrics_from_recording() =>
        CallEvaluator.Evaluate(_transcript, _recording, SampleCall.Seconds, "customer-ended-call").Metrics.Count;

    [Benchmark(Description = "predefined metrics + 600 spans, recording")]
    public int Predefined_metrics_with_spans() =>
        CallEvaluator.Evaluate(_transcript, _recording, SampleCall.Seconds, "customer-ended-call", trace: _trace).Metrics.Count;

    [Benchmark(Description = "span metrics 15-19 alone, 600 spans")]
    public int Span_metrics() => SpanEvaluator.Evaluate(_trace, SpeechTurns.Choose(_transcript, _recording)).Count;

    [Benchmark(Description = "custom_code data JSON (CustomCodeData)")]
    public int Custom_code_data() => DataJson().Length;

    [Benchmark(Description = "one custom_code metric (sandbox run)")]
    public double? Custom_code_metric() => _runner.RunAsync(_customCode, CancellationToken.None).GetAwaiter().GetResult().Score;

    private string DataJson() =>
        CustomCodeData.FromCall(_call, "(transcript text)", "A support agent.", _call.Metrics).ToJson();

    /// <summary>
    /// The agent's trace for this call: a conversation root, then per caller-to-agent handover an stt partial during
    /// the caller's speech, a turn-detection span and the final stt, an llm span with its HTTP client span below it, a
    /// tts span and two tts chunk spans during the agent's speech; a tool_call inside every fifth model span. 74
    /// handovers: 1 + 74 * 8 + 14 = 607 spans.
    /// </summary>
    private static AgentTrace Trace(IReadOnlyList<TranscriptEntry> transcript)
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var zero = DateTimeOffset.UnixEpoch;
        var spans = new List<AgentSpan>();
        var attributes = new Dictionary<string, object?>();
        var usage = new Dictionary<string, object?> { ["gen_ai.usage.input_tokens"] = 900L, ["gen_ai.usage.output_tokens"] = 40L };
        void Add(string name, double from, double to, IReadOnlyDictionary<string, object?>? with = null) =>
            spans.Add(new AgentSpan(traceId, spans.Count.ToString("x16"), spans.Count == 0 ? null : "0000000000000000", name, "agent",
                zero.AddSeconds(from), zero.AddSeconds(to), with ?? attributes));
        Add("conversation", 0, SampleCall.Seconds);
        var speech = transcript.Where(t => t.IsSpeech).ToList();
        var handovers = 0;
        for (var i = 1; i < speech.Count; i++)
        {
            var (caller, agent) = (speech[i - 1], speech[i]);
            if (caller.Role != TranscriptRoles.TestingAgent || agent.Role != TranscriptRoles.MainAgent)
            {
                continue;
            }
            var (end, start) = (caller.EndTime!.Value, agent.StartTime!.Value);
            var gap = start - end;
            Add("stt", caller.StartTime!.Value + 0.5, caller.StartTime.Value + 1.5);
            Add("turn_detection", end - 0.1, end + gap * 0.15);
            Add("stt", end - 0.05, end + gap * 0.2);
            Add("llm", end + gap * 0.2, end + gap * 0.7, usage);
            Add("http.client", end + gap * 0.25, end + gap * 0.65);
            if (++handovers % 5 == 0)
            {
                Add("tool_call", end + gap * 0.3, end + gap * 0.5);
            }
            Add("tts", end + gap * 0.7, end + gap * 0.9);
            Add("tts", start + 0.5, start + 0.7);
            Add("tts", start + 1.5, start + 1.7);
        }
        return spans.Count == 607 ? new AgentTrace(traceId, spans)
            : throw new InvalidOperationException($"The benchmark's trace has {spans.Count} spans, not the 607 it documents.");
    }

    /// <summary>Per-party speaking segments a stereo recording of this call would give: each turn split at a 0.3 s pause.</summary>
    private static RecordingData Segments(IReadOnlyList<TranscriptEntry> transcript)
    {
        var agent = new List<SpeakingSegment>();
        var caller = new List<SpeakingSegment>();
        foreach (var turn in transcript.Where(t => t.IsSpeech))
        {
            var (start, end) = (turn.StartTime!.Value + 0.1, turn.EndTime!.Value);
            var middle = (start + end) / 2;
            var segments = turn.Role == TranscriptRoles.MainAgent ? agent : caller;
            segments.Add(new SpeakingSegment(start, middle - 0.15));
            segments.Add(new SpeakingSegment(middle + 0.15, end));
        }
        return new RecordingData
        {
            SampleRate = 8000, Channels = 2, TotalDuration = SampleCall.Seconds, SeparableChannels = true,
            MainSpeaking = agent, TestingSpeaking = caller, ChannelSpeaking = [agent, caller],
            MainAgentChannelIndex = 0, ChannelRule = ChannelRules.TranscriptOverlap, ChannelConfidence = 0.9,
            VoiceActivityDetector = "silero",
        };
    }
}
