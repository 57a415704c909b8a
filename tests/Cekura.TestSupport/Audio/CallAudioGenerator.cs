using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cekura.TestSupport.Audio;

/// <summary>
/// Builds call recordings from a <see cref="CallScript"/>: espeak-ng speaks each turn, sox resamples the clip to
/// 16 kHz, the parties are placed, levelled, leaked and noised here in C# (seeded, so a script always gives the same
/// samples), and ffmpeg encodes the result. The truth comes from each party's clean signal before mixing.
/// espeak clips are cached on disk by voice and text (they never change), so a second run skips espeak and sox.
/// Files go to a temp folder that <see cref="Dispose"/> removes.
/// </summary>
public sealed class CallAudioGenerator : IDisposable
{
    /// <summary>Pauses shorter than this inside one party's speech belong to the same segment of the truth.</summary>
    public const double DefaultMergeGapSeconds = 0.5;

    private const int MixRate = 16_000;
    private const string StockSpeech =
        "Thank you for calling the support line. I can help you with your booking, your invoice or your account. " +
        "Please tell me the reference number printed at the top of the letter we sent you last week. " +
        "I am looking that up for you right now and it should only take a moment to find.";

    private readonly string cacheDirectory;
    private int fileNumber;

    public CallAudioGenerator(string? cacheDirectory = null)
    {
        OutputDirectory = Directory.CreateTempSubdirectory("cekura-call-audio-").FullName;
        this.cacheDirectory = cacheDirectory ?? Path.Combine(Path.GetTempPath(), "cekura-espeak-cache");
        Directory.CreateDirectory(this.cacheDirectory);
    }

    public string OutputDirectory { get; }

    public double MergeGapSeconds { get; init; } = DefaultMergeGapSeconds;

    public async Task<GeneratedCall> GenerateAsync(CallScript script, CancellationToken cancellationToken = default)
    {
        if (script.Turns.Count == 0)
        {
            throw new ArgumentException("a script needs at least one turn (use SilenceAsync for an empty recording)", nameof(script));
        }
        var clips = await Task.WhenAll(script.Turns.Select(t => ClipAsync(t, script, cancellationToken)));
        var length = (int)Math.Ceiling((script.Turns.Select((t, i) => t.Start + (double)clips[i].Length / MixRate).Max()
            + script.TailSeconds) * MixRate);
        var agent = new float[length];
        var caller = new float[length];
        for (var i = 0; i < clips.Length; i++)
        {
            var target = script.Turns[i].Party == Party.Agent ? agent : caller;
            var offset = (int)Math.Round(script.Turns[i].Start * MixRate);
            for (var s = 0; s < clips[i].Length && offset + s < length; s++)
            {
                target[offset + s] += clips[i][s];
            }
        }
        var truthAgent = SpeechTruth.Measure(agent, MixRate, MergeGapSeconds);
        var truthCaller = SpeechTruth.Measure(caller, MixRate, MergeGapSeconds);
        var channels = Mix(script, agent, caller);
        var path = await EncodeAsync(channels, script.Container, script.SampleRate, cancellationToken);
        return new GeneratedCall(path, (double)length / MixRate, truthAgent, truthCaller);
    }

    /// <summary>A recording with no speech: digital silence, or noise of the given peak amplitude.</summary>
    public async Task<string> SilenceAsync(double seconds, int channels, double noiseAmplitude, AudioContainer container,
        int seed = 1, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, channels).Select(_ => new float[(int)(seconds * MixRate)]).ToArray();
        foreach (var channel in data)
        {
            AddNoise(channel, noiseAmplitude, random);
        }
        return await EncodeAsync(data, container, MixRate, cancellationToken);
    }

    public void Dispose() => Directory.Delete(OutputDirectory, recursive: true);

    private static float[][] Mix(CallScript script, float[] agent, float[] caller)
    {
        var random = new Random(script.Seed);
        var (a, c) = (script.AgentGain, script.CallerGain);
        float[][] channels;
        if (script.Layout == CallLayout.Stereo)
        {
            var agentSide = Combine(agent, a, caller, c * script.CrossTalk);
            var callerSide = Combine(caller, c, agent, a * script.CrossTalk);
            channels = script.AgentChannel == 0 ? [agentSide, callerSide] : [callerSide, agentSide];
            foreach (var channel in channels)
            {
                AddNoise(channel, script.NoiseAmplitude, random);
            }
        }
        else
        {
            var mono = Combine(agent, a, caller, c);
            AddNoise(mono, script.NoiseAmplitude, random);
            channels = script.Layout == CallLayout.Mono ? [mono] : [mono, (float[])mono.Clone()];
        }
        return channels;
    }

    private static float[] Combine(float[] first, double firstGain, float[] second, double secondGain)
    {
        var result = new float[first.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (float)(first[i] * firstGain + second[i] * secondGain);
        }
        return result;
    }

    private static void AddNoise(float[] channel, double amplitude, Random random)
    {
        if (amplitude <= 0)
        {
            return;
        }
        for (var i = 0; i < channel.Length; i++)
        {
            channel[i] += (float)((random.NextDouble() * 2 - 1) * amplitude);
        }
    }

    private async Task<float[]> ClipAsync(ScriptTurn turn, CallScript script, CancellationToken cancellationToken)
    {
        var voice = turn.Party == Party.Agent ? script.AgentVoice : script.CallerVoice;
        var text = turn.Text ?? StockSpeech;
        var samples = await SpeakAsync(voice, text, cancellationToken);
        if (turn.Text is null)
        {
            var wanted = (int)Math.Round((turn.Duration ?? throw new ArgumentException("a turn needs text or a duration")) * MixRate);
            if (wanted > samples.Length)
            {
                throw new ArgumentException($"a duration turn can be at most {(double)samples.Length / MixRate:0.0} s");
            }
            samples = samples[..wanted];
            // A 10 ms fade-out, so the cut is not a click that sounds like the start of a word.
            var fade = MixRate / 100;
            for (var i = 0; i < fade && i < samples.Length; i++)
            {
                samples[^(i + 1)] *= (float)i / fade;
            }
        }
        return samples;
    }

    private async Task<float[]> SpeakAsync(string voice, string text, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{voice}\n{text}")))[..24];
        var cached = Path.Combine(cacheDirectory, $"{key}.wav");
        if (!File.Exists(cached))
        {
            var raw = Path.Combine(cacheDirectory, $"{key}.{Guid.NewGuid():N}.espeak.wav");
            var resampled = Path.Combine(cacheDirectory, $"{key}.{Guid.NewGuid():N}.tmp.wav");
            await RunAsync("espeak-ng", ["-v", voice, "-w", raw, text], cancellationToken);
            await RunAsync("sox", [raw, "-r", MixRate.ToString(CultureInfo.InvariantCulture), "-b", "16", "-c", "1", resampled], cancellationToken);
            File.Delete(raw);
            // Another test may have written the same clip meanwhile; both are identical, so the last move wins.
            File.Move(resampled, cached, overwrite: true);
        }
        return ReadWav16(await File.ReadAllBytesAsync(cached, cancellationToken));
    }

    private async Task<string> EncodeAsync(float[][] channels, AudioContainer container, int sampleRate, CancellationToken cancellationToken)
    {
        var name = Path.Combine(OutputDirectory, $"call-{Interlocked.Increment(ref fileNumber)}");
        var wav = name + ".mix.wav";
        await File.WriteAllBytesAsync(wav, WriteWav16(channels, MixRate), cancellationToken);
        if (container == AudioContainer.Wav && sampleRate == MixRate)
        {
            File.Move(wav, name + ".wav");
            return name + ".wav";
        }
        var (extension, codec) = container switch
        {
            AudioContainer.Mp3 => (".mp3", new[] { "-c:a", "libmp3lame", "-b:a", "64k" }),
            AudioContainer.Ogg => (".ogg", new[] { "-c:a", "libvorbis", "-q:a", "4" }),
            _ => (".wav", new[] { "-c:a", "pcm_s16le" }),
        };
        var output = name + extension;
        await RunAsync("ffmpeg", ["-nostdin", "-hide_banner", "-v", "error", "-i", wav, "-ar", sampleRate.ToString(CultureInfo.InvariantCulture),
            .. codec, "-fflags", "+bitexact", "-map_metadata", "-1", "-y", output], cancellationToken);
        File.Delete(wav);
        return output;
    }

    private static float[] ReadWav16(byte[] bytes)
    {
        // sox writes a RIFF header, maybe other chunks, then "data"; walk the chunks to find it.
        var position = 12;
        while (position + 8 <= bytes.Length)
        {
            var id = Encoding.ASCII.GetString(bytes, position, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position + 4));
            if (id == "data")
            {
                var count = Math.Min(size, bytes.Length - position - 8) / 2;
                var samples = new float[count];
                for (var i = 0; i < count; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(position + 8 + 2 * i)) / 32768f;
                }
                return samples;
            }
            position += 8 + size + (size & 1);
        }
        throw new InvalidDataException("no data chunk in the WAV file");
    }

    private static byte[] WriteWav16(float[][] channels, int sampleRate)
    {
        var frames = channels[0].Length;
        var dataBytes = frames * channels.Length * 2;
        var bytes = new byte[44 + dataBytes];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + dataBytes);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(bytes, 8);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), (short)channels.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), sampleRate * channels.Length * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), (short)(channels.Length * 2));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        Encoding.ASCII.GetBytes("data").CopyTo(bytes, 36);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), dataBytes);
        var position = 44;
        for (var f = 0; f < frames; f++)
        {
            foreach (var channel in channels)
            {
                var value = (short)Math.Round(Math.Clamp(channel[f], -1f, 1f) * 32767);
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(position), value);
                position += 2;
            }
        }
        return bytes;
    }

    private static async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }
    }
}
