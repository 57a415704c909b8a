using Cekura.Speech.Audio;

namespace Cekura.Speech.Tests.Audio;

/// <summary>
/// <see cref="Ffmpeg.VerifyAsync"/> on the damaged files ingest meets, made here from real encodes. What ffprobe and
/// ffmpeg 5.1 say about each is in the comments; the verdicts are what ingest turns into a 400.
/// </summary>
public sealed class VerifyTests : IDisposable
{
    private const double FourHours = 4 * 3600;
    private readonly string dir = Directory.CreateTempSubdirectory("cekura-verify-").FullName;
    private readonly Ffmpeg ffmpeg = new(new FfmpegOptions());

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("wav", "pcm_s16le")]
    [InlineData("mp3", "mp3")]
    [InlineData("ogg", "opus")]
    [InlineData("flac", "flac")]
    [InlineData("m4a", "aac")]
    [InlineData("webm", "opus")]
    public async Task Whole_files_verify_with_their_decoded_duration(string extension, string codec)
    {
        var path = await EncodeAsync(extension, seconds: 3, channels: 2);

        var probe = await ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None);

        Assert.Equal((codec, 2), (probe.Codec, probe.Channels));
        Assert.InRange(probe.DurationSeconds, 2.9, 3.1);
    }

    [Fact]
    public async Task An_mp3_with_id3_tags_at_both_ends_verifies()
    {
        var path = Path.Combine(dir, "tagged.mp3");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=3", "-c:a", "libmp3lame", "-b:a", "64k",
            "-id3v2_version", "3", "-write_id3v1", "1", "-metadata", "title=call", path);

        Assert.InRange((await ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None)).DurationSeconds, 2.9, 3.1);
    }

    // The bit rate redaction re-encodes a lossy recording at: the stream's (MP3, AAC), else the container's average
    // (Opus in Ogg and WebM, whose streams declare none); none for a WAV checked from its header.
    [Theory]
    [InlineData("mp3", "-b:a", "64k", 64_000, 64_000)]
    [InlineData("m4a", "-b:a", "96k", 80_000, 112_000)]
    [InlineData("ogg", "-b:a", "48k", 30_000, 70_000)]
    [InlineData("webm", "-b:a", "48k", 30_000, 70_000)]
    public async Task A_lossy_recording_reports_its_bit_rate(string extension, string option, string value, long low, long high)
    {
        var path = Path.Combine(dir, $"rate.{extension}");
        string codec = extension switch { "mp3" => "libmp3lame", "m4a" => "aac", _ => "libopus" };
        await Tools.RunAsync("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=duration=5:amplitude=0.2", "-c:a", codec, option, value, path);

        var probe = await ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None);

        Assert.InRange(probe.BitRate ?? 0, low, high);
    }

    [Fact]
    public async Task A_wav_checked_from_its_header_has_no_bit_rate() =>
        Assert.Null((await ffmpeg.VerifyAsync(await EncodeAsync("wav", seconds: 1, channels: 1), FourHours, CancellationToken.None)).BitRate);

    [Fact]
    public async Task A_vbr_mp3_without_a_xing_header_verifies_although_its_estimated_duration_is_wrong()
    {
        // ffprobe warns "Estimating duration from bitrate" and, for this file, guesses well short of the real length.
        var source = Path.Combine(dir, "speechlike.wav");
        await Tools.RunAsync("sox", "-n", "-r", "22050", "-c", "1", source, "synth", "6", "sine", "200-2000", "synth", "6", "sine", "amod", "0.7", "tremolo", "3", "90", "pad", "0", "4");
        var path = Path.Combine(dir, "vbr.mp3");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-i", source, "-c:a", "libmp3lame", "-q:a", "6", "-write_xing", "0", path);

        Assert.InRange((await ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None)).DurationSeconds, 9.9, 10.2);
    }

    [Fact]
    public async Task A_zero_byte_file_is_unreadable()
    {
        // ffprobe: "<path>: Invalid data found when processing input", exit 1.
        var path = Path.Combine(dir, "empty.wav");
        await File.WriteAllBytesAsync(path, []);

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None));

        Assert.Equal("not a readable audio file (Invalid data found when processing input)", error.Message);
    }

    [Fact]
    public async Task A_text_file_named_wav_is_unreadable()
    {
        var path = Path.Combine(dir, "notes.wav");
        await File.WriteAllTextAsync(path, "call_id,agent\n1,2\n");

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None));

        Assert.StartsWith("not a readable audio file", error.Message);
        Assert.DoesNotContain(dir, error.Message);
    }

    [Fact]
    public async Task A_wav_whose_data_chunk_is_cut_in_half_is_truncated()
    {
        // ffprobe sizes the data chunk by the bytes present and reports 5 s ("Estimating duration from bitrate",
        // "Packet corrupt" as warnings only); ffmpeg decodes 5 s with exit 0. Only the header tells.
        var whole = await File.ReadAllBytesAsync(await EncodeAsync("wav", seconds: 10, channels: 1));
        var path = Path.Combine(dir, "half.wav");
        await File.WriteAllBytesAsync(path, whole[..(44 + (whole.Length - 44) / 2)]);

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None));

        Assert.StartsWith("the file is truncated or corrupt: it declares 10 s of audio but only 5 s decoded", error.Message);
    }

    [Fact]
    public async Task A_wav_missing_a_few_milliseconds_is_accepted()
    {
        var whole = await File.ReadAllBytesAsync(await EncodeAsync("wav", seconds: 10, channels: 1));
        var path = Path.Combine(dir, "short.wav");
        await File.WriteAllBytesAsync(path, whole[..^320]); // 10 ms at 16 kHz 16-bit

        Assert.InRange((await ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None)).DurationSeconds, 9.98, 10);
    }

    [Fact]
    public async Task An_mp3_with_garbage_in_the_middle_is_corrupt()
    {
        // ffmpeg decodes around it with "[mp3float] Header missing" errors, exit 0; ffprobe's bitrate estimate grows.
        var whole = await File.ReadAllBytesAsync(await EncodeAsync("mp3", seconds: 10, channels: 1));
        var garbage = new byte[whole.Length / 3];
        new Random(7).NextBytes(garbage);
        var path = Path.Combine(dir, "garbage.mp3");
        await File.WriteAllBytesAsync(path, [.. whole[..(whole.Length / 2)], .. garbage, .. whole[(whole.Length / 2)..]]);

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None));

        Assert.StartsWith("the audio is corrupt: only ", error.Message);
        Assert.Contains("Header missing", error.Message);
    }

    [Fact]
    public async Task A_flac_cut_short_is_truncated()
    {
        // STREAMINFO declares the total; ffmpeg reports "invalid residual" on the cut frame and decodes the rest.
        var whole = await File.ReadAllBytesAsync(await EncodeAsync("flac", seconds: 10, channels: 1));
        var path = Path.Combine(dir, "cut.flac");
        await File.WriteAllBytesAsync(path, whole[..(whole.Length * 6 / 10)]);

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None));

        Assert.StartsWith("the file is truncated or corrupt: it declares 10 s of audio but only ", error.Message);
    }

    [Fact]
    public async Task Random_bytes_behind_a_riff_wave_header_without_a_format_chunk_are_unreadable()
    {
        // ffmpeg: "[wav] no 'fmt ' or 'XMA2' tag found". (Random bytes behind a complete header are valid PCM noise.)
        var noise = new byte[100_000];
        new Random(3).NextBytes(noise);
        var path = Path.Combine(dir, "riff-noise.wav");
        await File.WriteAllBytesAsync(path, [.. "RIFF"u8, .. BitConverter.GetBytes(noise.Length + 4), .. "WAVE"u8, .. noise]);

        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => ffmpeg.VerifyAsync(path, FourHours, CancellationToken.None));

        Assert.StartsWith("not a readable audio file", error.Message);
    }

    [Fact]
    public async Task A_recording_longer_than_the_limit_is_refused_naming_the_limit()
    {
        var path = await EncodeAsync("mp3", seconds: 3, channels: 1);

        var error = await Assert.ThrowsAsync<AudioTooLongException>(() => ffmpeg.VerifyAsync(path, 2, CancellationToken.None));

        Assert.Equal(2, error.LimitSeconds);
        Assert.Contains("the limit is 2 s", error.Message);
    }

    [Theory]
    [InlineData("pcm_u8", 1)]
    [InlineData("pcm_s16le", 2)]
    [InlineData("pcm_s24le", 1)]
    [InlineData("pcm_s32le", 2)]
    [InlineData("pcm_f32le", 1)]
    [InlineData("pcm_f64le", 1)]
    [InlineData("pcm_alaw", 1)]
    [InlineData("pcm_mulaw", 2)]
    public async Task An_uncompressed_wav_is_verified_from_its_header_with_the_facts_ffprobe_gives(string codec, int channels)
    {
        var path = Path.Combine(dir, $"{codec}.wav");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=2.5",
            "-ac", channels.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:a", codec, path);
        // No decoder can run: both tools point nowhere, so the verdict comes from the header alone.
        var toolless = new Ffmpeg(new FfmpegOptions { FfprobePath = Path.Combine(dir, "none"), FfmpegPath = Path.Combine(dir, "none") });

        var fromHeader = await toolless.VerifyAsync(path, FourHours, CancellationToken.None);
        var fromFfprobe = await ffmpeg.ProbeWithFfprobeAsync(path, CancellationToken.None);
        Assert.Equal(fromHeader, await toolless.ProbeAsync(path, CancellationToken.None)); // the stage's probe reads the header too

        Assert.Equal((fromFfprobe.Container, fromFfprobe.Codec, fromFfprobe.SampleRate, fromFfprobe.Channels),
            (fromHeader.Container, fromHeader.Codec, fromHeader.SampleRate, fromHeader.Channels));
        Assert.Equal(2.5, fromHeader.DurationSeconds, precision: 3);
        // Cut in half, or longer than the limit, it is refused as the decoder would refuse it.
        var whole = await File.ReadAllBytesAsync(path);
        var half = Path.Combine(dir, $"{codec}-half.wav");
        await File.WriteAllBytesAsync(half, whole[..(whole.Length / 2)]);
        Assert.StartsWith("the file is truncated or corrupt: it declares 2.5 s of audio but only ",
            (await Assert.ThrowsAsync<AudioDecodeException>(() => toolless.VerifyAsync(half, FourHours, CancellationToken.None))).Message);
        Assert.Equal(2, (await Assert.ThrowsAsync<AudioTooLongException>(() => toolless.VerifyAsync(path, 2, CancellationToken.None))).LimitSeconds);
    }

    [Fact]
    public async Task A_wav_whose_header_leaves_the_size_open_or_is_inconsistent_still_goes_to_the_decoder()
    {
        var whole = await File.ReadAllBytesAsync(await EncodeAsync("wav", seconds: 1, channels: 1));
        var toolless = new Ffmpeg(new FfmpegOptions { FfprobePath = Path.Combine(dir, "none"), FfmpegPath = Path.Combine(dir, "none") });
        var streamed = whole.ToArray();
        var data = whole.AsSpan().IndexOf("data"u8); // after ffmpeg's LIST chunk
        BitConverter.GetBytes(0xFFFFFFFF).CopyTo(streamed, data + 4); // the data size a streaming writer leaves unset
        var inconsistent = whole.ToArray();
        BitConverter.GetBytes(12345).CopyTo(inconsistent, 28); // a byte rate that does not match the layout
        foreach (var (name, bytes) in new[] { ("streamed", streamed), ("inconsistent", inconsistent) })
        {
            var path = Path.Combine(dir, $"{name}.wav");
            await File.WriteAllBytesAsync(path, bytes);
            // The (missing) decoder is asked: a server error, not a verdict from the header.
            await Assert.ThrowsAsync<InvalidOperationException>(() => toolless.VerifyAsync(path, FourHours, CancellationToken.None));
        }
        // With the real tools the streamed file decodes whole (the inconsistent one is the decoder's to judge).
        Assert.InRange((await ffmpeg.VerifyAsync(Path.Combine(dir, "streamed.wav"), FourHours, CancellationToken.None)).DurationSeconds, 0.9, 1.1);
    }

    [Fact]
    public async Task A_missing_ffprobe_is_a_server_error_not_a_decode_error()
    {
        var broken = new Ffmpeg(new FfmpegOptions { FfprobePath = Path.Combine(dir, "no-such-ffprobe") });
        var path = await EncodeAsync("flac", seconds: 1, channels: 1); // an uncompressed WAV would not need ffprobe

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.VerifyAsync(path, FourHours, CancellationToken.None));
        Assert.Contains("Audio__FfprobePath", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => broken.CheckToolsAsync(CancellationToken.None));
    }

    private async Task<string> EncodeAsync(string extension, double seconds, int channels)
    {
        var codec = extension switch
        {
            "wav" => "pcm_s16le",
            "mp3" => "libmp3lame",
            "ogg" or "webm" => "libopus",
            "m4a" => "aac",
            _ => "flac",
        };
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.{extension}");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=16000:duration={seconds}",
            "-ac", channels.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:a", codec, path);
        return path;
    }
}
