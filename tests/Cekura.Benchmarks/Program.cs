using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cekura.Ingest.Tests.Providers.Deepgram;
using Cekura.Ingest.Tests.Providers.ElevenLabs;
using Cekura.Ingest.Tests.Providers.LiveKit;
using Cekura.Ingest.Tests.Providers.Pipecat;
using Cekura.Ingest.Tests.Providers.Retell;
using Cekura.Ingest.Tests.Providers.Vapi;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Cekura;
using Cekura.Ingest.Providers.Deepgram;
using Cekura.Ingest.Providers.ElevenLabs;
using Cekura.Ingest.Providers.LiveKit;
using Cekura.Ingest.Providers.Pipecat;
using Cekura.Ingest.Providers.Retell;
using Cekura.Ingest.Providers.Vapi;

if (args.Length > 0 && args[0] == "redaction-bench")
{
    Cekura.Benchmarks.Redaction.RedactionBenchmarks.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "redaction-quality")
{
    Environment.ExitCode = Cekura.Benchmarks.RedactionQuality.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "metrics")
{
    Cekura.Benchmarks.Metrics.MetricsBenchmarks.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "call-list")
{
    Cekura.Benchmarks.CallList.CallListBenchmarks.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "group-commit")
{
    Cekura.Benchmarks.GroupCommit.GroupCommitBenchmarks.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "recording-check")
{
    await Cekura.Benchmarks.RecordingCheckBenchmark.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "vad")
{
    await Cekura.Benchmarks.VoiceActivityBenchmark.RunAsync(args[1..]);
    return;
}

// Parser throughput per transcript format, in MB/s of transcript JSON, next to the cost of parsing the same
// bytes into a JsonDocument (which every request pays before the parser runs), measured in the same run.
//   dotnet run -c Release --project tests/Cekura.Benchmarks [-- seconds-per-format]
// Decode + voice activity speed: see VoiceActivityBenchmark (dotnet run ... -- vad [minutes] [wav|mp3|ogg] [rounds]).
// Child-process cost of a compressed recording at ingest and in transcription: see RecordingCheckBenchmark
// (dotnet run ... -- recording-check [rounds] [seconds...]).
// Redaction (transcript and audio masking): see RedactionBenchmarks (dotnet run ... -- redaction-bench [BenchmarkDotNet args]).
// Redaction precision/recall per type and analysis time: see RedactionQuality (dotnet run ... -- redaction-quality).
// Evaluation (predefined metrics, custom_code): see MetricsBenchmarks (dotnet run ... -- metrics [BenchmarkDotNet args]).
// Call-list queries on 100k stored calls, filtered and not: see CallListBenchmarks (dotnet run ... -- call-list).
// SQLite call-path writes from concurrent writers, group commit against one transaction per write: see
// GroupCommitBenchmarks (dotnet run ... -- group-commit [BenchmarkDotNet args]).
var secondsPerFormat = args.Length > 0 && double.TryParse(args[0], out var s) ? s : 2.0;
var cekura = """
    [{"role": "Testing Agent", "content": "Hello.", "end_time": 1.94, "start_time": 1.44},
     {"role": "Main Agent", "content": "Hello. I want to book appointment today. My name is John.", "end_time": 7.54, "start_time": 3.1},
     {"role": "Function Call", "content": "", "start_time": 7.6, "end_time": 7.6, "data": {"id": "c1", "name": "book", "arguments": "{\"time\": \"18:00\"}"}},
     {"role": "Function Call Result", "content": "", "start_time": 7.9, "end_time": 7.9, "data": {"id": "c1", "name": "book", "result": "ok"}},
     {"role": "Testing Agent", "content": "Well, I mean, sure. What time exactly are we talking about here", "end_time": 15.71, "start_time": 12.01},
     {"role": "Main Agent", "content": "6 PM.", "end_time": 18.27, "start_time": 17.61}]
    """;
var formats = new (string Name, ITranscriptParser Parser, string[] Payloads)[]
{
    ("cekura", new CekuraTranscriptParser(), [cekura]),
    ("vapi", new VapiTranscriptParser(), VapiFixtures.All),
    ("retell", new RetellTranscriptParser(), RetellFixtures.All),
    ("elevenlabs", new ElevenLabsTranscriptParser(), ElevenLabsFixtures.All),
    ("livekit", new LiveKitTranscriptParser(), LiveKitFixtures.All),
    ("pipecat", new PipecatTranscriptParser(), PipecatFixtures.All),
    ("deepgram", new DeepgramTranscriptParser(), DeepgramFixtures.All),
};

Console.WriteLine($"{"format",-11} {"payload KB",10} {"parser MB/s",12} {"JsonDocument MB/s",18} {"parser / JsonDocument",22}");
foreach (var (name, parser, payloads) in formats)
{
    var bytes = payloads.Select(p => Encoding.UTF8.GetBytes(p)).ToArray();
    var documents = bytes.Select(b => JsonDocument.Parse(b)).ToArray();
    var totalBytes = bytes.Sum(b => (long)b.Length);
    var parserRate = Measure(totalBytes, secondsPerFormat, () =>
    {
        foreach (var document in documents)
        {
            parser.Parse(document.RootElement, TranscriptContext.None);
        }
    });
    var baselineRate = Measure(totalBytes, secondsPerFormat, () =>
    {
        foreach (var payload in bytes)
        {
            using var _ = JsonDocument.Parse(payload);
        }
    });
    Console.WriteLine($"{name,-11} {totalBytes / 1024.0 / payloads.Length,10:0.0} {parserRate,12:0.0} {baselineRate,18:0.0} {parserRate / baselineRate,22:0.00}");
}

static double Measure(long bytesPerRound, double seconds, Action round)
{
    for (var i = 0; i < 200; i++)
    {
        round();
    }
    var rounds = 0L;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        round();
        rounds++;
    }
    return bytesPerRound * rounds / watch.Elapsed.TotalSeconds / 1_000_000;
}
