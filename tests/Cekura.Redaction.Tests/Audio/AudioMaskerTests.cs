using Cekura.Redaction.Audio;
using Cekura.Speech.Audio;
using Cekura.TestSupport;
using Cekura.TestSupport.Audio;

namespace Cekura.Redaction.Tests.Audio;

/// <summary>
/// Masks speech generated at known times (espeak-ng through <see cref="CallAudioGenerator"/>) and compares the decoded
/// samples with the input's: inside the window the masked channel is silence or tone, everywhere else the audio is what
/// it was (bit for bit for wav, within the re-encoding's error for mp3), and the format is unchanged.
/// </summary>
public sealed class AudioMaskerTests : IDisposable
{
    private const double WindowStart = 1.2;
    private const double WindowEnd = 2.2;

    private readonly CallAudioGenerator _generator = new();
    private readonly Ffmpeg _ffmpeg = new(new FfmpegOptions());
    private readonly AudioMasker _masker = new(new FfmpegOptions());

    public void Dispose() => _generator.Dispose();

    [Theory]
    [InlineData(AudioContainer.Wav, 16_000)]
    [InlineData(AudioContainer.Mp3, 44_100)]
    public async Task Stereo_masking_silences_only_the_speakers_channel_inside_the_window(AudioContainer container, int sampleRate)
    {
        var input = await TwoPartiesTalkingAsync(CallLayout.Stereo, container, sampleRate);

        var output = await MaskAsync(input, [new MaskWindow(0, WindowStart, WindowEnd)], AudioMaskMode.Silence);

        var (before, after) = (await DecodeAsync(input), await DecodeAsync(output));
        await AssertSameFormatAsync(input, output, before, after);
        Assert.True(Rms(before.Channels[0], before.Rate, WindowStart, WindowEnd) > 0.01, "the window must hold speech to begin with");
        AssertSilent(after, 0, container);
        AssertUnchangedOutsideWindow(before, after, 0, container);
        AssertUnchangedEverywhere(before, after, 1, container);
    }

    [Theory]
    [InlineData(AudioContainer.Wav)]
    [InlineData(AudioContainer.Mp3)]
    public async Task Mono_masking_silences_the_window_and_keeps_the_rest(AudioContainer container)
    {
        var input = await TwoPartiesTalkingAsync(CallLayout.Mono, container, 16_000);

        var output = await MaskAsync(input, [new MaskWindow(null, WindowStart, WindowEnd)], AudioMaskMode.Silence);

        var (before, after) = (await DecodeAsync(input), await DecodeAsync(output));
        await AssertSameFormatAsync(input, output, before, after);
        Assert.True(Rms(before.Channels[0], before.Rate, WindowStart, WindowEnd) > 0.01, "the window must hold speech to begin with");
        AssertSilent(after, 0, container);
        AssertUnchangedOutsideWindow(before, after, 0, container);
    }

    [Fact]
    public async Task A_window_for_every_channel_silences_both_channels_of_a_stereo_file()
    {
        var input = await TwoPartiesTalkingAsync(CallLayout.Stereo, AudioContainer.Wav, 16_000);

        var output = await MaskAsync(input, [new MaskWindow(null, WindowStart, WindowEnd)], AudioMaskMode.Silence);

        var after = await DecodeAsync(output);
        AssertSilent(after, 0, AudioContainer.Wav);
        AssertSilent(after, 1, AudioContainer.Wav);
    }

    [Fact]
    public async Task Tone_mode_replaces_the_window_with_a_1_kHz_tone_on_that_channel_only()
    {
        var input = await TwoPartiesTalkingAsync(CallLayout.Stereo, AudioContainer.Wav, 16_000);

        var output = await MaskAsync(input, [new MaskWindow(1, WindowStart, WindowEnd)], AudioMaskMode.Tone);

        var (before, after) = (await DecodeAsync(input), await DecodeAsync(output));
        await AssertSameFormatAsync(input, output, before, after);
        var window = Slice(after.Channels[1], after.Rate, WindowStart, WindowEnd);
        // sine's amplitude is 1/8, so its RMS is 0.125/√2; a 1 kHz sine crosses zero 2000 times a second.
        Assert.InRange(Rms(window), 0.08, 0.097);
        var crossings = window.Zip(window.Skip(1)).Count(p => p.First < 0 != p.Second < 0);
        Assert.InRange(crossings / (WindowEnd - WindowStart), 1950, 2050);
        AssertUnchangedOutsideWindow(before, after, 1, AudioContainer.Wav);
        AssertUnchangedEverywhere(before, after, 0, AudioContainer.Wav);
    }

    [Fact]
    public async Task A_file_that_is_not_audio_cannot_be_masked()
    {
        var input = Path.Combine(_generator.OutputDirectory, "broken.wav");
        await File.WriteAllTextAsync(input, "RIFF this is not a wave file");

        var error = await Assert.ThrowsAsync<AudioMaskException>(() =>
            _masker.MaskAsync(input, input + ".out.wav", [new MaskWindow(null, 0, 1)], AudioMaskMode.Silence, 1000, CancellationToken.None));

        Assert.DoesNotContain(input, error.Message);
    }

    private async Task<string> TwoPartiesTalkingAsync(CallLayout layout, AudioContainer container, int sampleRate)
    {
        var call = await _generator.GenerateAsync(new CallScript
        {
            Layout = layout, Container = container, SampleRate = sampleRate, AgentChannel = 0, TailSeconds = 0.5,
            Turns = [ScriptTurn.Talk(Party.Agent, 0.3, 3.2), ScriptTurn.Talk(Party.Caller, 0.4, 3.2)],
        });
        return call.Path;
    }

    // Each format redaction re-encodes, as a provider would send it; the format is the name ingest detects.
    [Theory]
    [InlineData("wav", "pcm_s16le")]
    [InlineData("flac", "flac")]
    [InlineData("mp3", "libmp3lame")]
    [InlineData("ogg", "libopus")]
    [InlineData("ogg", "libvorbis")]
    [InlineData("m4a", "aac")]
    [InlineData("webm", "libopus")]
    public async Task A_recording_masked_with_the_facts_ingest_stored_starts_no_ffprobe_and_gives_the_probed_result_byte_for_byte(
        string format, string encoder)
    {
        var speech = await TwoPartiesTalkingAsync(CallLayout.Stereo, AudioContainer.Wav, 16_000);
        var input = Path.Combine(_generator.OutputDirectory, $"input-{Guid.NewGuid():N}.{format}");
        await TestAudio.RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-i", speech, "-c:a", encoder, input]);
        var facts = await _ffmpeg.VerifyAsync(input, 3600, CancellationToken.None); // what ingest records
        var stored = new Cekura.Contracts.Calls.CallRecording
        {
            BlobKey = $"1/r.{format}", ContentType = "audio/x", Format = format, SizeBytes = new FileInfo(input).Length,
            Codec = facts.Codec, SampleRate = facts.SampleRate, Channels = facts.Channels, DurationSeconds = facts.DurationSeconds,
            BitRate = facts.BitRate,
        };
        var known = AudioMasker.MaskedInput.FromStored(stored);
        Assert.NotNull(known);
        // A masker whose ffprobe cannot start: it would fail on a probe.
        var withoutFfprobe = new AudioMasker(new FfmpegOptions { FfprobePath = "/nonexistent/ffprobe" });
        var windows = new[] { new MaskWindow(0, WindowStart, WindowEnd), new MaskWindow(null, WindowEnd + 0.5, WindowEnd + 1) };

        var fromFacts = Path.Combine(_generator.OutputDirectory, $"facts-{Guid.NewGuid():N}.{format}");
        await withoutFfprobe.MaskAsync(input, fromFacts, windows, AudioMaskMode.Silence, 1000, CancellationToken.None, known);
        var probed = await MaskAsync(input, windows, AudioMaskMode.Silence);

        Assert.Equal(await File.ReadAllBytesAsync(probed), await File.ReadAllBytesAsync(fromFacts));
    }

    [Fact]
    public void A_stored_pcm_wav_is_described_without_a_bit_rate() =>
        Assert.Equal(new AudioMasker.MaskedInput("wav", "pcm_s16le", 16_000, 2, null), AudioMasker.MaskedInput.FromStored(
            new Cekura.Contracts.Calls.CallRecording
            {
                BlobKey = "1/r", ContentType = "audio/wav", Format = "wav", SizeBytes = 1, Codec = "pcm_s16le", SampleRate = 16_000, Channels = 2,
            }));

    public static TheoryData<Cekura.Contracts.Calls.CallRecording> ProbedRecordings
    {
        get
        {
            var wav = new Cekura.Contracts.Calls.CallRecording
            {
                BlobKey = "1/r", ContentType = "audio/wav", Format = "wav", SizeBytes = 1, Codec = "pcm_s16le", SampleRate = 8000, Channels = 1,
            };
            return new()
            {
                wav with { Codec = null }, wav with { SampleRate = null }, wav with { Channels = null }, wav with { SampleRate = 50 },
                // A lossy codec needs its bit rate, which calls stored before ingest kept it lack.
                wav with { Codec = "adpcm_ima_wav" },
                wav with { Format = "mp3", Codec = "mp3" }, wav with { Format = "ogg", Codec = "opus" }, wav with { Format = "m4a", Codec = "aac" },
                wav with { Format = "webm", Codec = "opus" }, wav with { Format = "mp3", Codec = "mp3", BitRate = 0 },
                // A container ingest does not accept.
                wav with { Format = "aiff" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(ProbedRecordings))]
    public void An_incompletely_described_recording_is_probed(Cekura.Contracts.Calls.CallRecording recording) =>
        Assert.Null(AudioMasker.MaskedInput.FromStored(recording));

    [Fact]
    public void A_stored_m4a_is_named_as_ffprobe_names_its_container_and_keeps_its_bit_rate() =>
        Assert.Equal(new AudioMasker.MaskedInput("mp4", "aac", 44_100, 1, 96_000), AudioMasker.MaskedInput.FromStored(
            new Cekura.Contracts.Calls.CallRecording
            {
                BlobKey = "1/r", ContentType = "audio/mp4", Format = "m4a", SizeBytes = 1, Codec = "aac", SampleRate = 44_100, Channels = 1,
                BitRate = 96_000,
            }));

    [Fact]
    public void A_flac_with_its_facts_is_not_probed() =>
        Assert.Equal(new AudioMasker.MaskedInput("flac", "flac", 44_100, 2, null), AudioMasker.MaskedInput.FromStored(
            new Cekura.Contracts.Calls.CallRecording
            {
                BlobKey = "1/r", ContentType = "audio/flac", Format = "flac", SizeBytes = 1, Codec = "flac", SampleRate = 44_100, Channels = 2,
            }));

    private async Task<string> MaskAsync(string input, IReadOnlyList<MaskWindow> windows, AudioMaskMode mode)
    {
        var output = Path.Combine(_generator.OutputDirectory, $"masked-{Guid.NewGuid():N}{Path.GetExtension(input)}");
        await _masker.MaskAsync(input, output, windows, mode, 1000, CancellationToken.None);
        return output;
    }

    private sealed record Decoded(int Rate, float[][] Channels, AudioProbe Probe);

    private async Task<Decoded> DecodeAsync(string path)
    {
        var probe = await _ffmpeg.ProbeAsync(path, CancellationToken.None);
        var channels = Enumerable.Range(0, probe.Channels).Select(_ => new List<float>()).ToArray();
        await _ffmpeg.DecodeAsync(path, probe.SampleRate, probe.Channels, block =>
        {
            for (var i = 0; i < block.Length; i++)
            {
                channels[i % probe.Channels].Add(block[i]);
            }
        }, CancellationToken.None);
        return new Decoded(probe.SampleRate, channels.Select(c => c.ToArray()).ToArray(), probe);
    }

    private static async Task AssertSameFormatAsync(string input, string output, Decoded before, Decoded after)
    {
        Assert.Equal(Path.GetExtension(input), Path.GetExtension(output));
        Assert.Equal(before.Probe.Container, after.Probe.Container);
        Assert.Equal(before.Probe.Codec, after.Probe.Codec);
        Assert.Equal(before.Probe.SampleRate, after.Probe.SampleRate);
        Assert.Equal(before.Probe.Channels, after.Probe.Channels);
        if (before.Probe.Codec.StartsWith("pcm_", StringComparison.Ordinal))
        {
            Assert.Equal(before.Channels[0].Length, after.Channels[0].Length);
            Assert.Equal(new FileInfo(input).Length, new FileInfo(output).Length);
        }
        else
        {
            Assert.InRange(after.Channels[0].Length - before.Channels[0].Length, -before.Rate * 0.03, before.Rate * 0.03);
        }
        await Task.CompletedTask;
    }

    private static void AssertSilent(Decoded after, int channel, AudioContainer container)
    {
        if (container == AudioContainer.Wav)
        {
            Assert.All(Slice(after.Channels[channel], after.Rate, WindowStart, WindowEnd), s => Assert.Equal(0f, s));
        }
        else
        {
            // mp3's overlapping transform frames smear the cut by a few milliseconds.
            Assert.True(Rms(after.Channels[channel], after.Rate, WindowStart + 0.03, WindowEnd - 0.03) < 0.001);
        }
    }

    /// <summary>Masking works in 10 ms frames, so it may reach up to one frame past each end of the window.</summary>
    private static void AssertUnchangedOutsideWindow(Decoded before, Decoded after, int channel, AudioContainer container)
    {
        var margin = container == AudioContainer.Wav ? 0.011 : 0.06;
        AssertUnchanged(before, after, channel, 0, WindowStart - margin, container);
        AssertUnchanged(before, after, channel, WindowEnd + margin, before.Channels[channel].Length / (double)before.Rate, container);
    }

    private static void AssertUnchangedEverywhere(Decoded before, Decoded after, int channel, AudioContainer container) =>
        AssertUnchanged(before, after, channel, 0, before.Channels[channel].Length / (double)before.Rate, container);

    private static void AssertUnchanged(Decoded before, Decoded after, int channel, double from, double to, AudioContainer container)
    {
        var original = Slice(before.Channels[channel], before.Rate, from, to);
        var masked = Slice(after.Channels[channel], after.Rate, from, to);
        if (container == AudioContainer.Wav)
        {
            Assert.Equal(original, masked);
            return;
        }
        // A second lossy generation: the difference stays far below the signal.
        var length = Math.Min(original.Length, masked.Length);
        var difference = original.Take(length).Zip(masked.Take(length), (a, b) => a - b).ToArray();
        Assert.True(Rms(difference) < 0.2 * Rms(original), $"difference {Rms(difference):0.0000} vs signal {Rms(original):0.0000}");
    }

    private static float[] Slice(float[] samples, int rate, double from, double to)
    {
        var start = Math.Clamp((int)Math.Ceiling(from * rate), 0, samples.Length);
        var end = Math.Clamp((int)Math.Floor(to * rate), start, samples.Length);
        return samples[start..end];
    }

    private static double Rms(float[] samples, int rate, double from, double to) => Rms(Slice(samples, rate, from, to));

    private static double Rms(float[] samples) => samples.Length == 0 ? 0 : Math.Sqrt(samples.Average(s => (double)s * s));
}
