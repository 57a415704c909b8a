using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Redaction;
using Cekura.Redaction;
using Cekura.Redaction.Analysis;
using Cekura.Redaction.Audio;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Transcripts;
using Cekura.Speech.Audio;
using Cekura.TestSupport.Audio;

namespace Cekura.Benchmarks.Redaction;

/// <summary>
/// The redaction stage's two costs, with BenchmarkDotNet in process (no generated project to build):
///   dotnet run -c Release --project tests/Cekura.Benchmarks -- redaction-bench --filter '*'
///   (… --filter '*TranscriptRedaction*' or '*AudioMasking*' for one of them)
/// </summary>
public static class RedactionBenchmarks
{
    /// <summary>The recognizers the transcript benchmark runs: the built-in ones the redaction stage registers.</summary>
    public static Func<IReadOnlyList<IPiiRecognizer>> Recognizers { get; set; } =
        () => [.. StructuredRecognizers.Create(), .. LexiconRecognizers.Create()];

    public static void Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(8).WithId("in-process"))
            .AddColumn(new RealTimeColumn())
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromTypes([typeof(TranscriptRedactionBenchmark), typeof(AudioMaskingBenchmark)]).Run(args, config);
    }

    /// <summary>Audio seconds per wall second, for benchmarks that say how much audio one operation handles.</summary>
    private sealed class RealTimeColumn : IColumn
    {
        public string Id => nameof(RealTimeColumn);
        public string ColumnName => "x real time";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Seconds of call per second of work (call length / mean)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics)
            {
                return "-";
            }
            return (SampleCall.Seconds / (statistics.Mean / 1e9)).ToString("0.0", CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>A 10-minute, 150-turn call with PII in every few turns, all 29 types requested.</summary>
[MemoryDiagnoser]
public class TranscriptRedactionBenchmark
{
    private TranscriptRedactor _redactor = null!;
    private IReadOnlyList<TranscriptEntry> _transcript = null!;

    [GlobalSetup]
    public void Setup()
    {
        _redactor = new TranscriptRedactor(new PiiAnalyzer(RedactionBenchmarks.Recognizers()));
        _transcript = SampleCall.Transcript();
    }

    [Benchmark]
    public int Redact_150_turns_all_29_types() =>
        _redactor.Redact(_transcript, RedactionEntities.All, "+14155550100").Redactions.Count;
}

/// <summary>Masking a 10-minute, 44.1 kHz stereo call with 60 windows on alternating channels, as wav and as mp3.</summary>
public class AudioMaskingBenchmark
{
    private CallAudioGenerator _generator = null!;
    private AudioMasker _masker = null!;
    private string _input = null!;
    private string _output = null!;
    private IReadOnlyList<MaskWindow> _windows = null!;

    [Params(AudioContainer.Wav, AudioContainer.Mp3)]
    public AudioContainer Container { get; set; }

    [Params(AudioMaskMode.Silence, AudioMaskMode.Tone)]
    public AudioMaskMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = new CallAudioGenerator();
        var turns = new List<ScriptTurn>();
        for (var (time, party) = (0.5, Party.Agent); time < SampleCall.Seconds - 5; time += 4, party = party == Party.Agent ? Party.Caller : Party.Agent)
        {
            turns.Add(ScriptTurn.Talk(party, time, 3.5));
        }
        var call = _generator.GenerateAsync(new CallScript
        {
            Turns = turns, Container = Container, SampleRate = 44_100, NoiseAmplitude = 0.005, TailSeconds = 4,
        }).GetAwaiter().GetResult();
        _input = call.Path;
        _output = Path.Combine(_generator.OutputDirectory, "masked" + Path.GetExtension(_input));
        _windows = Enumerable.Range(0, 60).Select(i => new MaskWindow(i % 2, i * 10 + 1.0, i * 10 + 2.5)).ToList();
        _masker = new AudioMasker(new FfmpegOptions { TimeoutSeconds = 3600 });
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark]
    public Task Mask_10_minute_stereo_call() => _masker.MaskAsync(_input, _output, _windows, Mode, 1000, CancellationToken.None);
}

/// <summary>The benchmark's call: 150 turns over 600 s, alternating speakers, with a function call every 15 turns.</summary>
internal static class SampleCall
{
    public const double Seconds = 600;

    private static readonly string[] Lines =
    [
        "Thanks for calling the support line, my name is Alex, how can I help you today?",
        "Hi, this is Jane Doe, I need to update the card on my account please.",
        "Of course. Can you confirm your date of birth and the zip code on file?",
        "Sure, it is March 3rd, 1985 and the zip is 94107.",
        "Thank you. What is the new card number?",
        "It is 4111 1111 1111 1111, expiring next year.",
        "Got it. Should I send the receipt to jane.doe@example.com?",
        "Yes please, and you can call me back on 415 555 0123 if anything goes wrong.",
        "I have also noted a payment of $250 for the balance. Anything else today?",
        "I moved to Springfield last month and I work as a nurse, does that change my plan?",
    ];

    public static IReadOnlyList<TranscriptEntry> Transcript()
    {
        var entries = new List<TranscriptEntry>();
        var turnSeconds = Seconds / 150;
        for (var i = 0; i < 150; i++)
        {
            var start = i * turnSeconds;
            entries.Add(new TranscriptEntry
            {
                Role = i % 2 == 0 ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent,
                Content = Lines[i % Lines.Length], StartTime = start, EndTime = start + turnSeconds - 0.4,
            });
            if (i % 15 == 14)
            {
                entries.Add(new TranscriptEntry
                {
                    Role = TranscriptRoles.FunctionCall, Content = "", StartTime = start + 3.7, EndTime = start + 3.7,
                    Data = new FunctionCallData
                    {
                        Id = $"c{i}", Name = "update_card",
                        Arguments = """{"name":"Jane Doe","card":"4111 1111 1111 1111","email":"jane.doe@example.com","amount":250}""",
                    },
                });
            }
        }
        return entries;
    }
}
