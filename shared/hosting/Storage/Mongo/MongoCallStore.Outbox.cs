using Cekura.Contracts.Calls;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// The outbox side of the calls collection: <c>relay_claim</c>, <c>relay_after</c> and <c>relay_attempts</c> beside
/// the stage fields. <see cref="ReplaceAsync"/> writes whole documents, so these fields vanish with every change of
/// the call, a stage change included: a claim only ever belongs to the stage it was made for (the SQLite store
/// keeps that rule with <c>relay_for</c>). Each call is claimed by its own <c>findOneAndUpdate</c>, atomic per
/// document, so two relays never hold the same call.
/// </summary>
public sealed partial class MongoCallStore : ICallOutbox
{
    private static readonly UpdateDefinitionBuilder<BsonDocument> Update = Builders<BsonDocument>.Update;

    private static readonly string[] OwingStages = Enum.GetValues<CallStage>().Where(s => s != CallStage.Failed).Select(StageName).ToArray();

    private static readonly string[] ActiveStages = Enum.GetValues<CallStage>().Where(s => !CallStageEvents.IsTerminal(s)).Select(StageName).ToArray();

    public async Task MarkPublishedAsync(IReadOnlyCollection<OwedEvent> events, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        await context.EnsureInitializedAsync(cancellationToken);
        var models = events.Select(owed => new UpdateOneModel<BsonDocument>(
            Filter.Eq("_id", owed.CallLogId) & Filter.Eq("stage", StageName(owed.Stage))
                & Filter.Eq("stage_changed_at", owed.StageChangedAt.ToUnixTimeMilliseconds())
                & Filter.Eq("outbox_published_at", BsonNull.Value),
            Confirmed(publishedAt)));
        await context.Calls.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(
        OutboxDue due, int max, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await context.EnsureInitializedAsync(cancellationToken);
        var unclaimed = Filter.Eq("relay_after", BsonNull.Value);
        // Three branches of one $or, each answered by an index: calls_outbox for the first two, calls_relay for the last.
        var unconfirmed = Filter.In("stage", OwingStages) & Filter.Eq("outbox_published_at", BsonNull.Value)
            & Filter.Lt("stage_changed_at", due.UnconfirmedBefore.ToUnixTimeMilliseconds()) & unclaimed;
        var stalled = Filter.In("stage", ActiveStages) & Filter.Lt("outbox_published_at", due.StalledBefore.ToUnixTimeMilliseconds()) & unclaimed;
        var claimed = Filter.Lte("relay_after", due.ClaimedBefore.ToUnixTimeMilliseconds()) & Filter.In("stage", OwingStages)
            & (Filter.Ne("stage", StageName(CallStage.Evaluated)) | Filter.Eq("outbox_published_at", BsonNull.Value));
        var claimId = Guid.NewGuid().ToString("N");
        var claim = Update.Set("relay_claim", claimId).Set("relay_after", leaseUntil.ToUnixTimeMilliseconds()).Inc("relay_attempts", 1);
        var options = new FindOneAndUpdateOptions<BsonDocument>
        {
            ReturnDocument = ReturnDocument.After,
            Sort = Builders<BsonDocument>.Sort.Ascending("stage_changed_at").Ascending("_id"),
            Projection = Builders<BsonDocument>.Projection
                .Include("project_id").Include("stage").Include("stage_changed_at").Include("relay_attempts").Include("doc.trace_id"),
        };
        var claims = new List<OutboxClaim>();
        while (claims.Count < max
            && await context.Calls.FindOneAndUpdateAsync(unconfirmed | stalled | claimed, claim, options, cancellationToken) is { } document)
        {
            var doc = document.GetValue("doc", BsonNull.Value);
            var traceId = doc is BsonDocument d && d.GetValue("trace_id", BsonNull.Value) is BsonString s ? s.Value : null;
            claims.Add(new OutboxClaim(
                document["_id"].ToInt64(), document["project_id"].ToInt64(), document["stage"].AsString,
                DateTimeOffset.FromUnixTimeMilliseconds(document["stage_changed_at"].ToInt64()), traceId, claimId,
                document["relay_attempts"].ToInt32()));
        }
        return claims;
    }

    public async Task SettleAsync(IReadOnlyCollection<OutboxSettlement> settlements, CancellationToken cancellationToken)
    {
        if (settlements.Count == 0)
        {
            return;
        }
        await context.EnsureInitializedAsync(cancellationToken);
        var models = settlements.Select(settlement =>
        {
            var release = Update.Combine(
                Update.Set("relay_after", settlement.NextAttemptAt.ToUnixTimeMilliseconds()), Update.Set<BsonValue>("relay_claim", BsonNull.Value));
            return new UpdateOneModel<BsonDocument>(
                Filter.Eq("_id", settlement.Claim.CallLogId) & Filter.Eq("relay_claim", settlement.Claim.ClaimId)
                    & Filter.Eq("stage_changed_at", settlement.Claim.StageChangedAt.ToUnixTimeMilliseconds()),
                settlement.PublishedAt is { } at ? Update.Combine(Confirmed(at), release) : release);
        });
        await context.Calls.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task ReleaseClaimsAsync(CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        await context.Calls.UpdateManyAsync(
            Filter.Exists("relay_after"),
            Update.Unset("relay_claim").Unset("relay_after").Unset("relay_attempts"),
            cancellationToken: cancellationToken);
    }

    /// <summary>The confirmation, in the indexed field and in the document (as the document's serializer writes a time).</summary>
    private static UpdateDefinition<BsonDocument> Confirmed(DateTimeOffset at) =>
        Update.Set("outbox_published_at", at.ToUnixTimeMilliseconds()).Set("doc.outbox_published_at", MongoDocuments.Value(at));
}
