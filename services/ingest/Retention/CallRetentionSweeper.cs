using Cekura.Hosting.Defaults;
using Cekura.Hosting.Storage;
using Cekura.Ingest.CallLogs;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Retention;

/// <summary>
/// Deletes the calls whose <c>timestamp</c> is older than their project's retention, each with everything stored for it
/// (<see cref="CallLogDeleter"/>: recording blobs, data key, queued webhooks, then the record), a bounded batch at a
/// time. Every ingest replica sweeps: two deleting the same call is harmless, since each step of a delete is idempotent.
/// </summary>
public sealed class CallRetentionSweeper(
    IServiceScopeFactory scopes, ITenancyStore tenancy, ICallStore store, TimeProvider clock,
    IOptions<RetentionOptions> options, ILogger<CallRetentionSweeper> logger) : BackgroundService
{
    private readonly RetentionOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(TimeSpan.FromMinutes(_options.SweepIntervalMinutes), clock, SweepAsync,
            e => logger.LogWarning(e, "Retention sweep failed; retrying at the next interval"),
            stoppingToken);

    /// <summary>Deletes what has expired at <paramref name="now"/> in every project; returns how many calls were deleted.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var organization in await tenancy.ListOrganizationsAsync(cancellationToken))
        {
            foreach (var project in await tenancy.ListProjectsAsync(organization.Id, cancellationToken))
            {
                if ((project.RetentionDays ?? _options.DefaultDays) is not { } days)
                {
                    continue;
                }
                var count = await SweepProjectAsync(project.Id, now.AddDays(-days), cancellationToken);
                if (count > 0)
                {
                    logger.LogInformation("Retention deleted {Count} call logs of project {ProjectId} older than {Days} days", count, project.Id, days);
                }
                deleted += count;
            }
        }
        return deleted;
    }

    private async Task<int> SweepProjectAsync(long projectId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var deleter = scope.ServiceProvider.GetRequiredService<CallLogDeleter>();
        // The list's range is inclusive; a call exactly at the cutoff is not older than it.
        var query = new CallQuery
        {
            ProjectId = projectId, From = DateTimeOffset.MinValue, To = cutoff.AddMilliseconds(-1), PageSize = _options.BatchSize,
        };
        var deleted = 0;
        while (true)
        {
            // Always the first page: what this round deleted is gone from the next one.
            var batch = await store.ListAsync(query, cancellationToken);
            var deletedInBatch = 0;
            foreach (var call in batch.Items)
            {
                try
                {
                    await deleter.DeleteAsync(call, cancellationToken);
                    deletedInBatch++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Retention could not delete call log {CallLogId}; the next sweep tries again", call.Id);
                }
            }
            deleted += deletedInBatch;
            // A short page is the last; a page of nothing but failures would come back the same, so stop there too.
            if (batch.Items.Count < _options.BatchSize || deletedInBatch == 0)
            {
                return deleted;
            }
        }
    }
}
