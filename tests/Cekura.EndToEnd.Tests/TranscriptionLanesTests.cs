using System.Net;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Cekura.Speech.VoiceActivity.Energy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// Calls with a recording wait for a recording analysis slot; calls without one must not wait behind them. With one
/// queue for both, a run of recorded calls filled the stage's concurrent messages and every transcript-only call behind
/// them waited (under mixed load the whole chain went at the pace of the audio). Here the analysis is held at its
/// first window, with two recorded calls in the transcription stage and room for two messages at once.
/// </summary>
public sealed class TranscriptionLanesTests : IAsyncLifetime
{
    private readonly HeldDetector _detector = new();
    private EmbeddedHost _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _host = new EmbeddedHost(new Dictionary<string, string?>
        {
            ["Bus:ConcurrentMessageLimit"] = "2",
            ["Bus:PrefetchCount"] = "2",
            ["VoiceActivity:MaxConcurrentAnalyses"] = "1",
        }, services => services.AddSingleton(sp => new RecordingAnalyzer(
            sp.GetRequiredService<Ffmpeg>(), sp.GetRequiredService<IOptions<VoiceActivityOptions>>().Value, _detector)));
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _detector.Release();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Transcript_only_calls_finish_while_recorded_calls_wait_for_their_analysis()
    {
        var recorded = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            recorded.Add(await PostRecordedAsync($"lanes-recorded-{i}"));
        }
        Assert.True(await _detector.Started.WaitAsync(TimeSpan.FromSeconds(30)), "no recording analysis started");

        var plain = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var response = await Calls.PostCallAsync(_client, Calls.Body($"lanes-plain-{i}"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            plain.Add((await response.ReadJsonAsync()).GetProperty("id").GetInt64());
        }

        foreach (var id in plain)
        {
            await Calls.WaitForStageAsync(_client, id, "evaluated", TimeSpan.FromSeconds(90));
        }
        foreach (var id in recorded)
        {
            var call = await (await _client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();
            Assert.Equal("received", call.GetProperty("processing_stage").GetString());
        }

        _detector.Release();
        foreach (var id in recorded)
        {
            var done = await Calls.WaitForStageAsync(_client, id, "evaluated");
            Assert.Equal("energy", done.GetProperty("recording_data").GetProperty("voice_activity_detector").GetString());
        }
    }

    private async Task<long> PostRecordedAsync(string callId)
    {
        var response = await Calls.PostWithRecordingAsync(_client, Calls.Body(callId), Wav.Tone(20.0));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    /// <summary>The energy detector, held at each stream's first window until <see cref="Release"/>.</summary>
    private sealed class HeldDetector : IVoiceActivityDetector
    {
        private readonly EnergyVoiceActivityDetector _inner = new();
        private readonly ManualResetEventSlim _released = new();

        /// <summary>Released once by each analysis as it reaches the detector.</summary>
        public SemaphoreSlim Started { get; } = new(0);

        public string Name => _inner.Name;

        public void Release() => _released.Set();

        public IVoiceActivityStream CreateStream() => new Stream(this, _inner.CreateStream());

        private sealed class Stream(HeldDetector owner, IVoiceActivityStream inner) : IVoiceActivityStream
        {
            private bool _started;

            public float Process(ReadOnlySpan<float> window)
            {
                if (!_started)
                {
                    _started = true;
                    owner.Started.Release();
                    owner._released.Wait(TimeSpan.FromMinutes(2));
                }
                return inner.Process(window);
            }

            public void Dispose() => inner.Dispose();
        }
    }
}
