using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Cekura.TestSupport.Audio;
using Xunit.Abstractions;

namespace Cekura.Speech.Tests.VoiceActivity;

[Collection(SpeechAudioCollection.Name)]
public sealed class RecordingAnalyzerTests(SpeechAudioFixture audio, ITestOutputHelper output)
{
    private const double Tolerance = 0.100;

    [Fact]
    public void Silero_is_the_default_detector_and_loads_from_the_embedded_model()
    {
        Assert.Equal("silero", audio.Silero.Detector);
        Assert.Null(audio.Silero.FallbackReason);
    }

    [Theory]
    [InlineData(AudioContainer.Wav, 16_000, 0)]
    [InlineData(AudioContainer.Mp3, 8_000, 1)]
    [InlineData(AudioContainer.Ogg, 44_100, 0)]
    public async Task Stereo_segments_are_each_partys_speech_within_100_ms(AudioContainer container, int sampleRate, int agentChannel)
    {
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, Container = container, SampleRate = sampleRate, AgentChannel = agentChannel,
        });

        var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);

        Assert.Equal("silero", activity.Detector);
        Assert.Equal(2, activity.Channels.Count);
        Assert.True(activity.Separable);
        Assert.Equal(call.DurationSeconds, activity.DurationSeconds, 0.05);
        SegmentMatch.AssertWithin(call.AgentSpeaking, activity.Channels[agentChannel], Tolerance, output, $"{container} agent");
        SegmentMatch.AssertWithin(call.CallerSpeaking, activity.Channels[1 - agentChannel], Tolerance, output, $"{container} caller");
    }

    [Theory]
    [InlineData(0.0)]   // digital silence between turns: every pause is gated
    [InlineData(0.005)] // -51 dBFS noise: nothing is
    public async Task The_silence_gate_finds_the_same_segments_as_the_model_on_every_window(double noise)
    {
        var call = await audio.Generator.GenerateAsync(new CallScript { Turns = SpeechAudioFixture.Dialogue, NoiseAmplitude = noise, Seed = 5 });
        using var ungated = new RecordingAnalyzer(audio.Ffmpeg, new VoiceActivityOptions { SilenceGateDb = -120 });

        var gatedActivity = await audio.AnalyzeAsync(audio.Silero, call.Path);
        var ungatedActivity = await audio.AnalyzeAsync(ungated, call.Path);

        for (var c = 0; c < 2; c++)
        {
            var truth = c == 0 ? call.AgentSpeaking : call.CallerSpeaking;
            SegmentMatch.AssertWithin(truth, gatedActivity.Channels[c], Tolerance, output, $"gated, noise {noise}, channel {c}");
            SegmentMatch.AssertWithin(truth, ungatedActivity.Channels[c], Tolerance, output, $"ungated, noise {noise}, channel {c}");
            SegmentMatch.AssertWithin(ungatedActivity.Channels[c], gatedActivity.Channels[c], TimeSpan.FromMilliseconds(64).TotalSeconds, output,
                $"gated against ungated, noise {noise}, channel {c}");
        }
    }

    [Fact]
    public async Task While_the_process_serves_a_request_an_analysis_pauses_and_finds_the_same_segments()
    {
        var call = await audio.Generator.GenerateAsync(new CallScript { Turns = SpeechAudioFixture.Dialogue, Seed = 7 });
        using var analyzer = new RecordingAnalyzer(audio.Ffmpeg, new VoiceActivityOptions { AnalysisDutyCycle = 0.5 });

        var alone = await audio.AnalyzeAsync(analyzer, call.Path);
        Assert.Equal(TimeSpan.Zero, analyzer.Paused);
        ChannelActivity paced;
        using (analyzer.Foreground.Begin())
        {
            paced = await audio.AnalyzeAsync(analyzer, call.Path);
        }

        Assert.True(analyzer.Paused > TimeSpan.Zero, "an analysis during a request did not pause");
        Assert.Equal(alone.DurationSeconds, paced.DurationSeconds);
        for (var c = 0; c < alone.Channels.Count; c++)
        {
            Assert.Equal(alone.Channels[c], paced.Channels[c]);
        }
        output.WriteLine($"paused {analyzer.Paused.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData(AudioContainer.Wav, 16_000)]
    [InlineData(AudioContainer.Mp3, 22_050)]
    [InlineData(AudioContainer.Ogg, 48_000)]
    public async Task Mono_segments_are_the_speech_of_both_parties_within_100_ms(AudioContainer container, int sampleRate)
    {
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, Layout = CallLayout.Mono, Container = container, SampleRate = sampleRate,
        });

        var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);

        Assert.Single(activity.Channels);
        Assert.False(activity.Separable);
        SegmentMatch.AssertWithin(call.AllSpeaking(CallAudioGenerator.DefaultMergeGapSeconds), activity.Channels[0], Tolerance, output, $"{container} mono");
    }

    [Theory]
    [InlineData(0.01, 0.4, AudioContainer.Mp3, 8_000)]
    [InlineData(0.02, 1.0, AudioContainer.Wav, 16_000)]
    public async Task Noise_cross_talk_and_unequal_levels_keep_each_party_on_its_own_channel(
        double noise, double callerGain, AudioContainer container, int sampleRate)
    {
        // Each party 26 dB down on the other channel, white noise at -45 or -39 dBFS RMS, the caller 8 dB quieter in
        // the first case (espeak speech is about -22 dBFS RMS; its softest word endings are near -40).
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, CallerGain = callerGain, CrossTalk = 0.05, NoiseAmplitude = noise,
            Container = container, SampleRate = sampleRate, Seed = 7,
        });

        var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);

        Assert.True(activity.Separable);
        SegmentMatch.AssertWithin(call.AgentSpeaking, activity.Channels[0], Tolerance, output, $"noise {noise} agent");
        SegmentMatch.AssertWithin(call.CallerSpeaking, activity.Channels[1], Tolerance, output, $"noise {noise} caller");
    }

    [Fact]
    public async Task A_caller_talking_over_the_agent_keeps_the_overlap_on_its_own_channel()
    {
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns =
            [
                ScriptTurn.Say(Party.Agent, 0.5, "Your booking is now moved to Friday the twelfth at six in the evening."),
                ScriptTurn.Say(Party.Caller, 2.0, "Sorry, which day?"),
            ],
            CrossTalk = 0.05, NoiseAmplitude = 0.005,
        });

        var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);

        Assert.True(activity.Separable);
        SegmentMatch.AssertWithin(call.AgentSpeaking, activity.Channels[0], Tolerance, output, "overlap agent");
        SegmentMatch.AssertWithin(call.CallerSpeaking, activity.Channels[1], Tolerance, output, "overlap caller");
    }

    [Fact]
    public async Task Duplicated_mono_in_two_channels_is_not_separable()
    {
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, Layout = CallLayout.DuplicatedMono, Container = AudioContainer.Mp3,
        });

        var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);

        Assert.Equal(2, activity.Channels.Count);
        Assert.False(activity.Separable);
    }

    [Fact]
    public async Task Both_voices_on_both_channels_at_similar_levels_is_not_separable()
    {
        // Two microphones in one room: each channel hears the far voice only 2 dB down, with its own noise.
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, CrossTalk = 0.8, NoiseAmplitude = 0.005,
        });

        var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);

        Assert.False(activity.Separable);
    }

    [Theory]
    [InlineData(2, 0.0)]
    [InlineData(2, 0.02)]
    [InlineData(1, 0.02)]
    public async Task Silence_and_noise_give_no_segments(int channels, double noise)
    {
        var path = await audio.Generator.SilenceAsync(8, channels, noise, AudioContainer.Wav);

        foreach (var analyzer in new[] { audio.Silero, audio.Energy })
        {
            var activity = await audio.AnalyzeAsync(analyzer, path);

            Assert.Equal(channels, activity.Channels.Count);
            Assert.All(activity.Channels, Assert.Empty);
            Assert.False(activity.Separable);
        }
    }

    [Fact]
    public async Task Energy_detector_finds_the_turns_within_100_ms()
    {
        var call = await audio.Generator.GenerateAsync(new CallScript { Turns = SpeechAudioFixture.Dialogue, AgentChannel = 1 });

        var activity = await audio.AnalyzeAsync(audio.Energy, call.Path);

        Assert.Equal("energy", activity.Detector);
        Assert.True(activity.Separable);
        SegmentMatch.AssertWithin(call.AgentSpeaking, activity.Channels[1], Tolerance, output, "energy agent");
        SegmentMatch.AssertWithin(call.CallerSpeaking, activity.Channels[0], Tolerance, output, "energy caller");
    }

    [Fact]
    public async Task Concurrent_analyses_share_the_model_without_sharing_state()
    {
        var stereo = await audio.Generator.GenerateAsync(new CallScript { Turns = SpeechAudioFixture.Dialogue, NoiseAmplitude = 0.005 });
        var mono = await audio.Generator.GenerateAsync(new CallScript { Turns = SpeechAudioFixture.Dialogue, Layout = CallLayout.Mono });
        var alone = await audio.AnalyzeAsync(audio.Silero, stereo.Path);

        var together = await Task.WhenAll(
            Task.Run(() => audio.AnalyzeAsync(audio.Silero, stereo.Path)),
            Task.Run(() => audio.AnalyzeAsync(audio.Silero, mono.Path)),
            Task.Run(() => audio.AnalyzeAsync(audio.Silero, stereo.Path)));

        Assert.Equal(alone.Channels, together[0].Channels);
        Assert.Equal(alone.Channels, together[2].Channels);
        Assert.Single(together[1].Channels);
    }

    [Fact]
    public async Task A_model_that_cannot_be_loaded_falls_back_to_the_energy_detector()
    {
        var model = Path.Combine(audio.Generator.OutputDirectory, "not-a-model.onnx");
        await File.WriteAllTextAsync(model, "no graph here");

        using var analyzer = new RecordingAnalyzer(audio.Ffmpeg, new VoiceActivityOptions { ModelPath = model });

        Assert.Equal("energy", analyzer.Detector);
        Assert.Contains("could not be loaded", analyzer.FallbackReason);
    }

    [Fact]
    public async Task A_file_that_is_not_audio_is_a_decode_error()
    {
        var path = Path.Combine(audio.Generator.OutputDirectory, "corrupt.mp3");
        await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251))]);

        await Assert.ThrowsAsync<AudioDecodeException>(() =>
            audio.Silero.AnalyzeAsync(path, new AudioProbe("mp3", "mp3", 16_000, 2, 1), CancellationToken.None));
    }

    [Fact]
    public async Task No_more_recordings_are_analysed_at_once_than_the_limit()
    {
        // Each analysis is CPU work on this process; more at once than the limit only shares the cores thinner.
        // The detector holds every analysis that reached it until the test lets one go, and counts how many are in.
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, Layout = CallLayout.Mono, Container = AudioContainer.Wav, SampleRate = 16_000,
        });
        var probe = await audio.Ffmpeg.ProbeAsync(call.Path, CancellationToken.None);
        using var gate = new SemaphoreSlim(0);
        var detector = new GatedDetector(gate);
        using var analyzer = new RecordingAnalyzer(audio.Ffmpeg, new VoiceActivityOptions { MaxConcurrentAnalyses = 2 }, detector);

        // Dedicated threads, so that without the limit every analysis would reach the detector at once.
        var runs = Enumerable.Range(0, 6).Select(_ => Task.Factory.StartNew(
            () => analyzer.AnalyzeAsync(call.Path, probe, CancellationToken.None).GetAwaiter().GetResult(),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        // Two start; then each one let go makes room for exactly one more, until all six have run.
        for (var started = 0; started < 6; started++)
        {
            Assert.True(await detector.Started.WaitAsync(TimeSpan.FromSeconds(30)), $"analysis {started + 1} did not start");
            if (started >= 1)
            {
                gate.Release();
            }
        }
        gate.Release();
        var results = await Task.WhenAll(runs);

        Assert.Equal(2, detector.MostAtOnce);
        Assert.All(results, r => Assert.Equal(call.DurationSeconds, r.DurationSeconds, 0.05));
        Assert.Equal(0, analyzer.Running);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // nice values are per thread only on Linux
    public async Task The_decoder_and_the_detector_run_at_the_configured_nice_value()
    {
        // An Ogg file goes through ffmpeg; a wrapper around it records the nice value ffmpeg was started with.
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = SpeechAudioFixture.Dialogue, Container = AudioContainer.Ogg, SampleRate = 16_000,
        });
        var niceFile = Path.Combine(audio.Generator.OutputDirectory, $"ffmpeg-nice-{Guid.NewGuid():N}");
        var wrapper = Path.Combine(audio.Generator.OutputDirectory, $"ffmpeg-wrapper-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nnice > '{niceFile}'\nexec ffmpeg \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var ffmpeg = new Ffmpeg(new FfmpegOptions { FfmpegPath = wrapper });
        var detector = new NiceRecordingDetector();
        using var analyzer = new RecordingAnalyzer(ffmpeg, new VoiceActivityOptions { AnalysisNice = 12 }, detector);
        var caller = Cekura.Speech.Threading.ThreadNice.ReadCurrent();

        var activity = await analyzer.AnalyzeAsync(call.Path, await ffmpeg.ProbeAsync(call.Path, CancellationToken.None), CancellationToken.None);

        Assert.Null(analyzer.PriorityProblem);
        Assert.Equal(call.DurationSeconds, activity.DurationSeconds, 0.05);
        Assert.Equal("12", (await File.ReadAllTextAsync(niceFile)).Trim());
        Assert.NotEmpty(detector.Seen);
        Assert.All(detector.Seen, nice => Assert.Equal(12, nice));
        Assert.Equal(caller, Cekura.Speech.Threading.ThreadNice.ReadCurrent());
    }

    /// <summary>The energy detector, noting the nice value of every thread that feeds it a window.</summary>
    private sealed class NiceRecordingDetector : IVoiceActivityDetector
    {
        private readonly Cekura.Speech.VoiceActivity.Energy.EnergyVoiceActivityDetector inner = new();

        public System.Collections.Concurrent.ConcurrentBag<int?> Seen { get; } = [];

        public string Name => inner.Name;

        public IVoiceActivityStream CreateStream() => new Stream(this, inner.CreateStream());

        private sealed class Stream(NiceRecordingDetector owner, IVoiceActivityStream inner) : IVoiceActivityStream
        {
            public float Process(ReadOnlySpan<float> window)
            {
                owner.Seen.Add(Cekura.Speech.Threading.ThreadNice.ReadCurrent());
                return inner.Process(window);
            }

            public void Dispose() => inner.Dispose();
        }
    }

    /// <summary>The energy detector, whose streams wait at their first window for a permit of <paramref name="gate"/>.</summary>
    private sealed class GatedDetector(SemaphoreSlim gate) : IVoiceActivityDetector
    {
        private readonly Cekura.Speech.VoiceActivity.Energy.EnergyVoiceActivityDetector inner = new();
        private readonly SemaphoreSlim gate = gate;
        private int inside;
        private int mostAtOnce;

        public string Name => inner.Name;

        /// <summary>Released once by each analysis as it reaches the detector.</summary>
        public SemaphoreSlim Started { get; } = new(0);

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public IVoiceActivityStream CreateStream() => new Stream(this, inner.CreateStream());

        private sealed class Stream(GatedDetector owner, IVoiceActivityStream inner) : IVoiceActivityStream
        {
            private bool started;

            public float Process(ReadOnlySpan<float> window)
            {
                if (!started)
                {
                    started = true;
                    var now = Interlocked.Increment(ref owner.inside);
                    int most;
                    while (now > (most = owner.MostAtOnce) && Interlocked.CompareExchange(ref owner.mostAtOnce, now, most) != most)
                    {
                    }
                    owner.Started.Release();
                    owner.gate.Wait();
                }
                return inner.Process(window);
            }

            public void Dispose()
            {
                if (started)
                {
                    Interlocked.Decrement(ref owner.inside);
                }
                inner.Dispose();
            }
        }
    }
}
