using Cekura.Contracts.Calls;
using Cekura.Hosting.Defaults;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// Deletes recording blobs that no call points to once they are older than the grace period: an upload stored by a
/// process that died before storing its call, a redacted copy written by a redaction whose call was then deleted, an
/// original whose deletion a crash interrupted. Recordings live under <c>recordings/</c> and, while their call awaits
/// redaction, under <c>sealed/{data key id}/recordings/</c>; nothing else in the blob store is touched. Every ingest
/// replica sweeps; deleting a blob twice is harmless.
/// </summary>
public sealed class OrphanRecordingSweeper(
    IBlobStore blobs, IRecordingReferences references, ICallStore store, TimeProvider clock,
    IOptions<OrphanRecordingOptions> options, ILogger<OrphanRecordingSweeper> logger) : BackgroundService
{
    private const int ChunkSize = 500;
    private readonly OrphanRecordingOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(TimeSpan.FromMinutes(_options.SweepIntervalMinutes), clock, SweepAsync,
            e => logger.LogWarning(e, "Orphaned-recording sweep failed; retrying at the next interval"),
            stoppingToken);

    /// <summary>Deletes the recordings orphaned as of <paramref name="now"/>; returns how many were deleted.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var writtenBefore = now.AddMinutes(-_options.GraceMinutes);
        var (checkedCount, deleted) = (0, 0);
        foreach (var prefix in new[] { RecordingBlobKeys.Prefix, SealedBlobKeys.Prefix })
        {
            var candidates = new List<string>(ChunkSize);
            await foreach (var blob in blobs.ListAsync(prefix, cancellationToken))
            {
                if (blob.LastModified < writtenBefore && IsRecording(blob.Key))
                {
                    candidates.Add(blob.Key);
                }
                if (candidates.Count == ChunkSize)
                {
                    deleted += await DeleteOrphansAsync(candidates, cancellationToken);
                    checkedCount += candidates.Count;
                    candidates.Clear();
                }
            }
            deleted += await DeleteOrphansAsync(candidates, cancellationToken);
            checkedCount += candidates.Count;
        }
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Deleted} orphaned recordings of {Checked} past the grace period", deleted, checkedCount);
        }
        return deleted;
    }

    private static bool IsRecording(string key) =>
        key.StartsWith(RecordingBlobKeys.Prefix, StringComparison.Ordinal)
        || (SealedBlobKeys.KeyIdOf(key) is { } keyId
            && key.AsSpan(SealedBlobKeys.For(keyId, "").Length).StartsWith(RecordingBlobKeys.Prefix, StringComparison.Ordinal));

    private async Task<int> DeleteOrphansAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return 0;
        }
        var referenced = await references.FindReferencedAsync(keys, cancellationToken);
        var deleted = 0;
        foreach (var key in keys.Where(k => !referenced.Contains(k)))
        {
            if (RecordingBlobKeys.RedactedCallLogId(key) is { } callLogId && await AwaitsRedactionAsync(callLogId, cancellationToken))
            {
                continue;
            }
            await blobs.DeleteAsync(key, cancellationToken);
            deleted++;
        }
        return deleted;
    }

    /// <summary>
    /// A redacted copy's key is fixed per call and rewritten by every run of its redaction: while the call has yet to be
    /// redacted, a run may be writing it right now, to point the call at it next.
    /// </summary>
    private async Task<bool> AwaitsRedactionAsync(long callLogId, CancellationToken cancellationToken) =>
        await store.GetForWorkerAsync(callLogId, cancellationToken) is { Stage: CallStage.Received or CallStage.Transcribed };
}
