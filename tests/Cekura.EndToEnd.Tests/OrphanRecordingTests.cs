using System.Net;
using Cekura.Contracts.Calls;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Cekura.Ingest.Recordings;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The ingest module's sweep of recording blobs no call points to. Orphans are written straight into the blob store, as a
/// crash would leave them; the sweep is run with the time it should take as "now" instead of waiting out the grace period.
/// </summary>
public sealed class OrphanRecordingTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly EmbeddedHost _host = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _host.CreateAuthorizedClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Recordings_no_call_points_to_are_deleted_after_the_grace_period_and_nothing_else_is()
    {
        var blobs = _host.Services.GetRequiredService<IBlobStore>();
        var store = _host.Services.GetRequiredService<ICallStore>();
        var sweeper = _host.Services.GetRequiredService<OrphanRecordingSweeper>();
        var kept = await CallWithRecordingAsync("kept-1");
        var keptKey = (await store.GetForWorkerAsync(kept, Ct))!.Recording!.BlobKey;
        // A call still before redaction: its redacted copy's fixed key may be being written right now.
        var waiting = await store.InsertAsync(new CallLog
        {
            OrganizationId = 1, ProjectId = 1, CallId = "waiting-1", AgentId = 1, Timestamp = DateTimeOffset.UtcNow, TranscriptType = "cekura",
            Stage = CallStage.Transcribed, StageChangedAt = DateTimeOffset.UtcNow, OutboxPublishedAt = DateTimeOffset.UtcNow,
            Recording = new CallRecording { BlobKey = "recordings/1/waiting.wav", ContentType = "audio/wav", Format = "wav", SizeBytes = 1 },
        }, Ct);
        var dataKey = await _host.Services.GetRequiredService<IDataKeyStore>().CreateAsync(Ct);
        string[] orphans =
        [
            "recordings/1/0123456789abcdef0123456789abcdef.wav",
            SealedBlobKeys.For(dataKey, "recordings/1/fedcba9876543210fedcba9876543210.mp3"),
            RecordingBlobKeys.Redacted(1, 987654, "wav"),
        ];
        var awaitingRedaction = RecordingBlobKeys.Redacted(1, waiting.Id, "wav");
        foreach (var key in orphans.Append(awaitingRedaction).Append("exports/1/report.csv"))
        {
            await PutAsync(blobs, key);
        }

        // Everything is younger than the grace period (a day by default).
        Assert.Equal(0, await sweeper.SweepAsync(DateTimeOffset.UtcNow, Ct));
        Assert.Equal(3, await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddDays(2), Ct));

        foreach (var key in orphans)
        {
            Assert.Null(await blobs.OpenReadAsync(key, Ct));
        }
        foreach (var key in new[] { keptKey, awaitingRedaction, "exports/1/report.csv" })
        {
            await using var stream = await blobs.OpenReadAsync(key, Ct);
            Assert.True(stream is not null, $"{key} was deleted");
        }
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/observability/v2/call-logs/{kept}/recording/")).StatusCode);

        // Once that call is gone, its redacted copy is an orphan like any other; a second sweep deletes nothing twice.
        await store.DeleteAsync(waiting.ProjectId, waiting.Id, Ct);
        Assert.Equal(1, await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddDays(2), Ct));
        Assert.Equal(0, await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddDays(2), Ct));
    }

    private static async Task PutAsync(IBlobStore blobs, string key)
    {
        var bytes = Wav.Tone(0.1);
        using var content = new MemoryStream(bytes);
        await blobs.PutAsync(key, content, bytes.Length, "audio/wav", Ct);
    }

    private async Task<long> CallWithRecordingAsync(string callId)
    {
        var created = await (await Calls.PostWithRecordingAsync(_client, Calls.Body(callId), Wav.Tone(1.0))).ReadJsonAsync();
        var id = created.GetProperty("id").GetInt64();
        await Calls.WaitForStageAsync(_client, id, "evaluated");
        return id;
    }
}
