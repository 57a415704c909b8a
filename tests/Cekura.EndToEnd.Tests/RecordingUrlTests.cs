using System.Net;
using System.Net.Sockets;
using System.Text;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary><c>voice_recording_url</c> is downloaded safely at ingest and stored like an upload; refusals are 400s naming why.</summary>
public sealed class RecordingUrlTests : IAsyncLifetime
{
    private readonly byte[] _wav = Wav.Tone(0.7);

    // Long enough that losing half is beyond the decode check's 0.5 s tolerance.
    private readonly byte[] _longWav = Wav.Tone(4);
    private readonly HttpListener _server = new();
    private readonly EmbeddedHost _host = new(new Dictionary<string, string?>
    {
        // The test's recording server is on loopback, which only an operator's allow-list admits.
        ["RecordingFetch:AllowedPrivateHosts:0"] = "127.0.0.1",
    });
    private HttpClient _client = null!;
    private string _base = "";

    public Task InitializeAsync()
    {
        var port = FreePort();
        _base = $"http://127.0.0.1:{port}";
        _server.Prefixes.Add(_base + "/");
        _server.Start();
        _ = ServeAsync();
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _server.Stop();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_recording_url_is_fetched_and_stored_like_an_upload()
    {
        var body = Calls.Body("url-1");
        body["voice_recording_url"] = _base + "/redirect";
        var response = await Calls.PostCallAsync(_client, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var call = await Calls.WaitForStageAsync(_client, (await response.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal(_base + "/redirect", call.GetProperty("source_recording_url").GetString());
        var stored = await _client.GetAsync(new Uri(call.GetProperty("voice_recording_url").GetString()!).PathAndQuery);
        Assert.Equal("audio/wav", stored.Content.Headers.ContentType!.MediaType);
        Assert.Equal(_wav, await stored.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254")]
    [InlineData("http://10.0.0.5/call.wav", "refused: 10.0.0.5 is a private address")]
    [InlineData("http://[::1]:8080/call.wav", "refused: ::1")]
    [InlineData("http://167772165/call.wav", "refused: 10.0.0.5")]
    [InlineData("PATH/notes.txt", "not an audio file")]
    [InlineData("PATH/missing.wav", "the server answered 404")]
    [InlineData("PATH/half.wav", "the file is truncated or corrupt: it declares 4 s of audio but only 2 s decoded")]
    [InlineData("PATH/header-only.wav", "the file contains no decodable audio")]
    public async Task A_refused_or_unusable_url_is_a_400_naming_why_and_stores_nothing(string url, string reason)
    {
        var body = Calls.Body("url-bad");
        body["voice_recording_url"] = url.Replace("PATH", _base);
        var response = await Calls.PostCallAsync(_client, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.ReadJsonAsync()).GetProperty("voice_recording_url")[0].GetString()!;
        Assert.StartsWith("Could not use the recording: ", message);
        Assert.Contains(reason, message);
        Assert.Equal(0, (await (await _client.GetAsync("/observability/v2/call-logs/")).ReadJsonAsync()).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_provider_webhooks_recording_url_is_fetched_too()
    {
        await _client.PostAsync("/test_framework/v1/aiagents/", new StringContent(
            """{"agent_name": "Vapi bot", "assistant_id": "asst_url"}""", Encoding.UTF8, "application/json"));
        var report = $$"""
            {"message": {"type": "end-of-call-report", "call": {"id": "vapi-url-1", "assistantId": "asst_url"},
              "artifact": {"recording": {"stereoUrl": "{{_base}}/call.wav"},
                "messages": [{"role": "bot", "message": "Hello!", "time": 1795168800500, "endTime": 1795168801500, "secondsFromStart": 0.5},
                             {"role": "user", "message": "Hi.", "time": 1795168802000, "endTime": 1795168802600, "secondsFromStart": 2.0}] } } }
            """;
        var response = await _client.PostAsync("/observability/v1/vapi/observe/", new StringContent(report, Encoding.UTF8, "application/json"));
        var result = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        var call = await Calls.WaitForStageAsync(_client, result.GetProperty("id").GetInt64(), "evaluated");
        var stored = await _client.GetAsync(new Uri(call.GetProperty("voice_recording_url").GetString()!).PathAndQuery);
        Assert.Equal(_wav, await stored.Content.ReadAsByteArrayAsync());
    }

    private async Task ServeAsync()
    {
        while (_server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _server.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var response = context.Response;
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/call.wav":
                    response.ContentType = "audio/wav";
                    await response.OutputStream.WriteAsync(_wav);
                    break;
                case "/half.wav":
                    response.ContentType = "audio/wav";
                    await response.OutputStream.WriteAsync(_longWav.AsMemory(0, 44 + (_longWav.Length - 44) / 2));
                    break;
                case "/header-only.wav":
                    response.ContentType = "audio/wav";
                    await response.OutputStream.WriteAsync(_wav.AsMemory(0, 44));
                    break;
                case "/redirect":
                    response.StatusCode = 302;
                    response.RedirectLocation = "/call.wav";
                    break;
                case "/notes.txt":
                    response.ContentType = "text/plain";
                    await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(new string('n', 200)));
                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }
            response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
