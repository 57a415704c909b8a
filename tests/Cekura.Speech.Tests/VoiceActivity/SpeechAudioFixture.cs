using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Cekura.TestSupport.Audio;

namespace Cekura.Speech.Tests.VoiceActivity;

/// <summary>One generator (with its espeak clip cache) and one loaded Silero model for all voice-activity tests.</summary>
public sealed class SpeechAudioFixture : IDisposable
{
    /// <summary>
    /// A short support call. Turns are 0.5 s or more apart (a change of speaker); inside a turn, espeak pauses about
    /// 330 ms between sentences, which the truth and the analyzer both keep inside the turn.
    /// </summary>
    public static readonly IReadOnlyList<ScriptTurn> Dialogue =
    [
        ScriptTurn.Say(Party.Agent, 0.5, "Hello, thanks for calling Acme support. How can I help you today?"),
        ScriptTurn.Say(Party.Caller, 5.5, "Hi. I would like to change my booking, please."),
        ScriptTurn.Say(Party.Agent, 9.0, "Of course. Can I have your reference number?"),
        ScriptTurn.Talk(Party.Caller, 12.5, 3.0),
        ScriptTurn.Say(Party.Agent, 16.2, "Thank you. One moment."),
        ScriptTurn.Say(Party.Caller, 18.6, "Sure, no problem at all."),
        ScriptTurn.Say(Party.Agent, 21.0, "Your booking is now moved to Friday the twelfth at six in the evening."),
        ScriptTurn.Say(Party.Caller, 26.0, "Great, thanks. Bye."),
    ];

    public SpeechAudioFixture()
    {
        Silero = new RecordingAnalyzer(Ffmpeg, new VoiceActivityOptions());
        Energy = new RecordingAnalyzer(Ffmpeg, new VoiceActivityOptions { Detector = VoiceActivityDetectorKind.Energy });
    }

    public CallAudioGenerator Generator { get; } = new();

    public Ffmpeg Ffmpeg { get; } = new(new FfmpegOptions());

    public RecordingAnalyzer Silero { get; }

    public RecordingAnalyzer Energy { get; }

    public async Task<ChannelActivity> AnalyzeAsync(RecordingAnalyzer analyzer, string path)
    {
        var probe = await Ffmpeg.ProbeAsync(path, CancellationToken.None);
        return await analyzer.AnalyzeAsync(path, probe, CancellationToken.None);
    }

    public void Dispose()
    {
        Silero.Dispose();
        Energy.Dispose();
        Generator.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SpeechAudioCollection : ICollectionFixture<SpeechAudioFixture>
{
    public const string Name = "speech audio";
}
