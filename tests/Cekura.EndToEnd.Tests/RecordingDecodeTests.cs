using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// Every uploaded recording is decoded whole before anything is stored: what does not decode, or is too long, or
/// cannot be transcribed as asked, is a 400 on the field to blame and leaves no call and no blob behind.
/// </summary>
public sealed class RecordingDecodeTests : IAsyncDisposable
{
    private readonly List<EmbeddedHost> _hosts = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("wav", "pcm_s16le", "audio/wav")]
    [InlineData("mp3", "mp3", "audio/mpeg")]
    [InlineData("ogg", "opus", "audio/ogg")]
    [InlineData("flac", "flac", "audio/flac")]
    [InlineData("m4a", "aac", "audio/mp4")]
    [InlineData("webm", "opus", "audio/webm")]
    public async Task Decodable_upload_is_stored_byte_for_byte_with_its_probe_facts(string kind, string codec, string contentType)
    {
        var (host, client) = Start();
        var audio = await TestAudio.EncodeAsync(kind, seconds: 2, channels: 2);

        var response = await client.PostAsync("/observability/v1/observe/", Upload(Calls.Body($"ok-{kind}"), audio, $"call.{kind}"));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.ReadJsonAsync();
        var call = await host.Services.GetRequiredService<ICallStore>().GetAsync(1, created.GetProperty("id").GetInt64(), CancellationToken.None);
        var recording = call!.Recording!;
        Assert.Equal((codec, 2, contentType), (recording.Codec, recording.Channels, recording.ContentType));
        Assert.True(recording.SampleRate is 16000 or 48000, $"sample rate {recording.SampleRate}");
        Assert.InRange(recording.DurationSeconds!.Value, 1.95, 2.1);
        var stored = await client.GetAsync(new Uri(created.GetProperty("voice_recording_url").GetString()!).PathAndQuery);
        Assert.Equal(contentType, stored.Content.Headers.ContentType!.MediaType);
        Assert.Equal(audio, await stored.Content.ReadAsByteArrayAsync());
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "zero-bytes", "The submitted file is empty." },
        { "text-named-wav", "The file is not a recognised audio recording" },
        { "wav-cut-in-half", "The file is not usable audio: the file is truncated or corrupt: it declares 4 s of audio but only 2 s decoded" },
        { "mp3-with-garbage", "The file is not usable audio: the audio is corrupt" },
        { "riff-wave-then-random-bytes", "The file is not usable audio: not a readable audio file" },
        { "flac-cut-short", "The file is not usable audio: the file is truncated or corrupt" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Corrupt_upload_is_a_400_on_voice_recording_and_stores_nothing(string kind, string message)
    {
        var (host, client) = Start();

        var response = await client.PostAsync("/observability/v1/observe/", Upload(Calls.Body("bad-audio"), await BadFileAsync(kind), "call.wav"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await response.ReadJsonAsync();
        Assert.Equal(["voice_recording"], errors.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith(message, errors.GetProperty("voice_recording")[0].GetString());
        await AssertNothingStoredAsync(host, client);
    }

    [SkippableFact]
    public async Task An_upload_that_finds_every_decoder_busy_is_a_503_with_Retry_After_and_stores_nothing()
    {
        // ffprobe behind a gate: `-version` (the start-up check) answers at once; a probe says it started, then holds
        // the process's only decoder slot until the test opens the gate, then runs the real ffprobe.
        var scratch = Directory.CreateTempSubdirectory("cekura-busy-").FullName;
        var (started, gate, tool) = (Path.Combine(scratch, "started"), Path.Combine(scratch, "gate"), Path.Combine(scratch, "ffprobe"));
        await File.WriteAllTextAsync(tool, "#!/bin/sh\n[ \"$1\" = -version ] && exec ffprobe -version\n"
            + $"touch '{started}'\nwhile [ ! -f '{gate}' ]; do sleep 0.05; done\nexec ffprobe \"$@\"\n");
        if (OperatingSystem.IsWindows())
        {
            throw new SkipException("a shell script stands in for ffprobe");
        }
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (host, client) = Start(new Dictionary<string, string?>
        {
            ["Audio:FfprobePath"] = tool, ["Audio:MaxConcurrentProcesses"] = "1", ["Audio:RequestSlotWaitSeconds"] = "0.5",
        });
        // FLAC, not WAV: an uncompressed WAV is checked from its header and needs no decoder slot.
        var flac = await TestAudio.EncodeAsync("flac", seconds: 1);
        try
        {
            var first = client.PostAsync("/observability/v1/observe/", Upload(Calls.Body("holds-the-decoder"), flac, "a.flac"));
            await Eventually.UntilAsync(() => Task.FromResult(File.Exists(started)), s => s, _ => "the first upload's probe never started");

            var busy = await client.PostAsync("/observability/v1/observe/", Upload(Calls.Body("finds-it-busy"), flac, "b.flac"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
            Assert.StartsWith("The server is busy checking other recordings", (await busy.ReadJsonAsync()).GetProperty("detail").GetString());
            await File.WriteAllTextAsync(gate, "");
            Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
            var list = await (await client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync();
            Assert.Equal(["holds-the-decoder"], list.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("call_id").GetString()));
        }
        finally
        {
            await File.WriteAllTextAsync(gate, "");
            Directory.Delete(scratch, recursive: true);
        }
    }

    [SkippableFact]
    public Task A_compressed_recording_costs_one_ffprobe_at_ingest_and_one_ffmpeg_in_transcription() =>
        WithCountedToolsAsync(async (client, starts) =>
        {
            var mp3 = await TestAudio.EncodeAsync("mp3", seconds: 2, channels: 2);

            var response = await client.PostAsync("/observability/v1/observe/", Upload(Calls.Body("counted-starts"), mp3, "call.mp3"));

            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            // The chain may already be at work on the call when the 201 arrives, so only the first start is ingest's for sure.
            Assert.Equal("ffprobe", starts().First());
            var evaluated = await Calls.WaitForStageAsync(client, (await response.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated");
            // Ingest's check came first and decoded it whole in that one ffprobe; transcription decoded it once for voice
            // activity, and took the rate and channels from what ingest stored (no ffprobe of its own).
            Assert.Equal(["ffprobe", "ffmpeg"], starts());
            var data = evaluated.GetProperty("recording_data");
            Assert.Equal((16000, 2), (data.GetProperty("sample_rate").GetInt32(), data.GetProperty("channels").GetInt32()));
            Assert.InRange(data.GetProperty("total_duration").GetDouble(), 1.95, 2.1);
        });

    [SkippableFact]
    public Task A_compressed_recording_redacted_in_the_chain_is_masked_from_the_facts_ingest_stored_without_an_ffprobe() =>
        WithCountedToolsAsync(async (client, starts) =>
        {
            var mp3 = await TestAudio.EncodeAsync("mp3", seconds: 4, channels: 2);
            var body = Calls.Body("counted-redaction");
            body["transcript_json"] = new JsonArray
            {
                new JsonObject { ["role"] = "Main Agent", ["content"] = "How can I help?", ["start_time"] = 0.2, ["end_time"] = 1.2 },
                new JsonObject { ["role"] = "Testing Agent", ["content"] = "My card is 4111 1111 1111 1111.", ["start_time"] = 1.5, ["end_time"] = 3.8 },
            };
            body["redact_fields"] = new JsonArray("credit_card");

            var response = await client.PostAsync("/observability/v1/observe/", Upload(body, mp3, "call.mp3"));

            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
            var evaluated = await Calls.WaitForStageAsync(client, id, "evaluated");
            Assert.True(evaluated.GetProperty("redaction").GetProperty("audio_windows").GetInt32() > 0, evaluated.ToString());
            // Ingest's check (ffprobe, which also read the bit rate), transcription's decode, redaction's re-encode at
            // the stored bit rate: no ffprobe after ingest's.
            Assert.Equal(["ffprobe", "ffmpeg", "ffmpeg"], starts());
            var served = await client.GetAsync($"/observability/v2/call-logs/{id}/recording/");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("audio/mpeg", served.Content.Headers.ContentType?.MediaType);
        });

    /// <summary>
    /// Runs <paramref name="test"/> against an embedded host whose ffprobe and ffmpeg are wrappers that note each start
    /// (but the start-up check's <c>-version</c>) and run the real tool; the test reads the starts so far, in order.
    /// </summary>
    private async Task WithCountedToolsAsync(Func<HttpClient, Func<string[]>, Task> test)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new SkipException("shell scripts stand in for ffprobe and ffmpeg");
        }
        var scratch = Directory.CreateTempSubdirectory("cekura-starts-").FullName;
        try
        {
            var starts = Path.Combine(scratch, "starts");
            string Wrap(string tool)
            {
                var wrapper = Path.Combine(scratch, tool);
                File.WriteAllText(wrapper, $"#!/bin/sh\n[ \"$1\" = -version ] || echo {tool} >> '{starts}'\nexec {tool} \"$@\"\n");
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return wrapper;
            }
            var (_, client) = Start(new() { ["Audio:FfprobePath"] = Wrap("ffprobe"), ["Audio:FfmpegPath"] = Wrap("ffmpeg") });
            await test(client, () => File.Exists(starts) ? File.ReadAllLines(starts) : []);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task Recording_longer_than_the_limit_is_a_400_naming_the_limit()
    {
        var (host, client) = Start(new() { ["RecordingCheck:MaxDurationSeconds"] = "2" });

        var response = await client.PostAsync("/observability/v1/observe/",
            Upload(Calls.Body("too-long"), await TestAudio.EncodeAsync("wav", seconds: 3), "call.wav"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The file is not usable audio: the recording is 3 s long; the limit is 2 s.",
            (await response.ReadJsonAsync()).GetProperty("voice_recording")[0].GetString());
        await AssertNothingStoredAsync(host, client);
    }

    [Fact]
    public async Task None_mono_without_a_speech_to_text_backend_is_a_400_on_transcript_type()
    {
        var (host, client) = Start();
        var body = Calls.Body("none-mono-no-stt");
        body.Remove("transcript_json");
        body["transcript_type"] = "none-mono";

        var response = await client.PostAsync("/observability/v1/observe/", Upload(body, await TestAudio.EncodeAsync("wav"), "call.wav"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.ReadJsonAsync()).GetProperty("transcript_type")[0].GetString()!;
        Assert.Contains("SpeechToText__Provider (OpenAI or Deepgram)", message);
        await AssertNothingStoredAsync(host, client);
    }

    [Fact]
    public async Task None_mono_with_a_stereo_recording_is_a_400_on_transcript_type()
    {
        var (host, client) = Start(new() { ["SpeechToText:Provider"] = "OpenAI", ["SpeechToText:BaseUrl"] = "http://127.0.0.1:9/v1" });
        var body = Calls.Body("none-mono-stereo");
        body.Remove("transcript_json");
        body["transcript_type"] = "none-mono";

        var response = await client.PostAsync("/observability/v1/observe/",
            Upload(body, await TestAudio.EncodeAsync("wav", channels: 2), "call.wav"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("transcript_type none-mono needs a mono recording; this one has 2 channels.",
            (await response.ReadJsonAsync()).GetProperty("transcript_type")[0].GetString());
        await AssertNothingStoredAsync(host, client);
    }

    [Fact]
    public async Task A_host_without_ffprobe_refuses_to_start_and_says_how_to_fix_it()
    {
        var host = new EmbeddedHost(new Dictionary<string, string?> { ["Audio:FfprobePath"] = "/nonexistent/ffprobe" });
        _hosts.Add(host);

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var all = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("Audio__FfprobePath", all);
        Assert.Contains("apt-get install ffmpeg", all);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }

    private (EmbeddedHost Host, HttpClient Client) Start(Dictionary<string, string?>? settings = null)
    {
        var host = new EmbeddedHost(settings);
        _hosts.Add(host);
        return (host, host.CreateAuthorizedClient());
    }

    private static async Task AssertNothingStoredAsync(EmbeddedHost host, HttpClient client)
    {
        var list = await (await client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync();
        Assert.Equal(0, list.GetProperty("count").GetInt64());
        var recordings = Path.Combine(host.DataDirectory, "recordings");
        Assert.True(!Directory.Exists(recordings) || Directory.GetFiles(recordings, "*", SearchOption.AllDirectories).Length == 0,
            "a recording blob was left behind");
    }

    /// <summary>The damaged files of the decode check, cut from real encodes.</summary>
    internal static async Task<byte[]> BadFileAsync(string kind)
    {
        switch (kind)
        {
            case "zero-bytes":
                return [];
            case "text-named-wav":
                return "call_id,agent\n1,2\n"u8.ToArray();
            case "wav-cut-in-half":
            {
                var wav = await TestAudio.EncodeAsync("wav", seconds: 4);
                return wav[..(44 + (wav.Length - 44) / 2)];
            }
            case "mp3-with-garbage":
            {
                var mp3 = await TestAudio.EncodeAsync("mp3", seconds: 4);
                var garbage = new byte[mp3.Length / 3];
                new Random(11).NextBytes(garbage);
                return [.. mp3[..(mp3.Length / 2)], .. garbage, .. mp3[(mp3.Length / 2)..]];
            }
            case "riff-wave-then-random-bytes":
            {
                var noise = new byte[50_000];
                new Random(5).NextBytes(noise);
                return [.. "RIFF"u8, .. BitConverter.GetBytes(noise.Length + 4), .. "WAVE"u8, .. noise];
            }
            case "flac-cut-short":
            {
                var flac = await TestAudio.EncodeAsync("flac", seconds: 4);
                return flac[..(flac.Length * 6 / 10)];
            }
            default:
                throw new ArgumentException(kind);
        }
    }

    private static MultipartFormDataContent Upload(JsonObject body, byte[] recording, string fileName)
    {
        var form = new MultipartFormDataContent();
        foreach (var (key, value) in body)
        {
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), key);
        }
        var file = new ByteArrayContent(recording);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "voice_recording", fileName);
        return form;
    }
}
