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
using Cekura.Evaluation.CustomCode;
using Cekura.Evaluation.Metrics;

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
                ("14 predefined metrics, transcript timing", () => bench.Predefined_metrics_from_transcript()),
                ("14 predefined metrics, recording segments", () => bench.Predefined_metrics_from_recording()),
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
/// and from stereo speaking segments (each turn split in two at a pause, as voice activity does), and one typical
/// custom_code metric run through the sandbox on the same call's data.
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

    [GlobalSetup]
    public void Setup()
    {
        _transcript = SampleCall.Transcript();
        _recording = Segments(_transcript);
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

    [Benchmark(Description = "14 predefined metrics, transcript timing")]
    public int Predefined_metrics_from_transcript() =>
        CallEvaluator.Evaluate(_transcript, recording: null, SampleCall.Seconds, "customer-ended-call").Metrics.Count;

    [Benchmark(Description = "14 predefined metrics, recording segments")]
    public int Predefined_metrics_from_recording() =>
        CallEvaluator.Evaluate(_transcript, _recording, SampleCall.Seconds, "customer-ended-call").Metrics.Count;

    [Benchmark(Description = "custom_code data JSON (CustomCodeData)")]
    public int Custom_code_data() => DataJson().Length;

    [Benchmark(Description = "one custom_code metric (sandbox run)")]
    public double? Custom_code_metric() => _runner.RunAsync(_customCode, CancellationToken.None).GetAwaiter().GetResult().Score;

    private string DataJson() =>
        CustomCodeData.FromCall(_call, "(transcript text)", "A support agent.", _call.Metrics).ToJson();

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
