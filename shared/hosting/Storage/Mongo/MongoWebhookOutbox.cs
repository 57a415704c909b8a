using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// The webhook outbox as the <c>webhook_deliveries</c> collection; times are Unix milliseconds, <c>delivery_key</c> is
/// unique. Each delivery is claimed by its own <c>findOneAndUpdate</c>, which is atomic per document, so two senders
/// never lease the same one.
/// </summary>
public sealed class MongoWebhookOutbox(MongoStoreContext context) : IWebhookOutbox
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<BsonDocument> Update = Builders<BsonDocument>.Update;
    private static readonly string Pending = WebhookOutboxRules.StatusName(WebhookDeliveryStatus.Pending);

    public async Task<WebhookEnqueued> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        WebhookOutboxRules.CheckNew(delivery);
        await context.EnsureInitializedAsync(cancellationToken);
        if (await FindOneAsync(Filter.Eq("delivery_key", delivery.DeliveryKey), cancellationToken) is { } existing)
        {
            return new WebhookEnqueued(existing, Created: false);
        }

        var stored = delivery with
        {
            Id = await context.NextIdAsync("webhook_deliveries", cancellationToken),
            Status = WebhookDeliveryStatus.Pending,
            Attempts = 0,
            LastError = null,
            LastStatusCode = null,
            DeliveredAt = null,
            AbandonedAt = null,
            LeaseId = null,
            LeasedUntil = null,
        };
        try
        {
            await context.WebhookDeliveries.InsertOneAsync(ToBson(stored), cancellationToken: cancellationToken);
            return new WebhookEnqueued(FromBson(ToBson(stored)), Created: true);
        }
        catch (MongoWriteException e) when (MongoStoreContext.IsDuplicateKey(e))
        {
            // Another writer stored the same key between our lookup and insert: theirs is the delivery.
            var winner = await FindOneAsync(Filter.Eq("delivery_key", delivery.DeliveryKey), cancellationToken);
            if (winner is null)
            {
                throw;
            }
            return new WebhookEnqueued(winner, Created: false);
        }
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await context.EnsureInitializedAsync(cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var due = Filter.Eq("status", Pending) & Filter.Lte("next_attempt_at", nowMs)
            & (Filter.Eq("leased_until", BsonNull.Value) | Filter.Lte("leased_until", nowMs));
        var lease = Update.Set("lease_id", Guid.NewGuid().ToString("N"))
            .Set("leased_until", (now + leaseDuration).ToUnixTimeMilliseconds())
            .Inc("attempts", 1);
        var options = new FindOneAndUpdateOptions<BsonDocument>
        {
            Sort = Builders<BsonDocument>.Sort.Ascending("next_attempt_at").Ascending("_id"),
            ReturnDocument = ReturnDocument.After,
        };
        var claimed = new List<WebhookDelivery>();
        while (claimed.Count < max
            && await context.WebhookDeliveries.FindOneAndUpdateAsync(due, lease, options, cancellationToken) is { } document)
        {
            claimed.Add(FromBson(document));
        }
        return claimed;
    }

    public Task<bool> MarkDeliveredAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken) =>
        FinishAttemptAsync(id, leaseId, outcome, Update.Set("status", WebhookOutboxRules.StatusName(WebhookDeliveryStatus.Delivered))
            .Set("delivered_at", outcome.At.ToUnixTimeMilliseconds()), cancellationToken);

    public Task<bool> MarkFailedAsync(
        long id, string leaseId, WebhookAttemptOutcome outcome, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        FinishAttemptAsync(id, leaseId, outcome, Update.Set("next_attempt_at", nextAttemptAt.ToUnixTimeMilliseconds()), cancellationToken);

    public Task<bool> MarkAbandonedAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken) =>
        FinishAttemptAsync(id, leaseId, outcome, Update.Set("status", WebhookOutboxRules.StatusName(WebhookDeliveryStatus.Abandoned))
            .Set("abandoned_at", outcome.At.ToUnixTimeMilliseconds()), cancellationToken);

    private async Task<bool> FinishAttemptAsync(
        long id, string leaseId, WebhookAttemptOutcome outcome, UpdateDefinition<BsonDocument> change, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var result = await context.WebhookDeliveries.UpdateOneAsync(
            Filter.Eq("_id", id) & Filter.Eq("lease_id", leaseId) & Filter.Eq("status", Pending),
            Update.Combine(change,
                Update.Set<BsonValue>("last_error", Nullable(outcome.Error)),
                Update.Set<BsonValue>("last_status_code", outcome.StatusCode is { } code ? new BsonInt32(code) : BsonNull.Value),
                Update.Set<BsonValue>("lease_id", BsonNull.Value),
                Update.Set<BsonValue>("leased_until", BsonNull.Value)),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<WebhookDelivery?> GetAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        return await FindOneAsync(Filter.Eq("_id", id) & Filter.Eq("project_id", projectId), cancellationToken);
    }

    public async Task<WebhookDelivery?> GetByKeyAsync(long projectId, string deliveryKey, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        return await FindOneAsync(Filter.Eq("delivery_key", deliveryKey) & Filter.Eq("project_id", projectId), cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(long projectId, long? callLogId, int limit, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var filter = Filter.Eq("project_id", projectId);
        if (callLogId is { } call)
        {
            filter &= Filter.Eq("call_log_id", call);
        }
        var documents = await context.WebhookDeliveries.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Descending("_id")).Limit(limit).ToListAsync(cancellationToken);
        return documents.Select(FromBson).ToList();
    }

    public async Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var cutoffMs = cutoff.ToUnixTimeMilliseconds();
        var result = await context.WebhookDeliveries.DeleteManyAsync(
            Filter.Ne("status", Pending) & (Filter.Lt("delivered_at", cutoffMs) | Filter.Lt("abandoned_at", cutoffMs)),
            cancellationToken);
        return (int)result.DeletedCount;
    }

    public async Task<int> DeleteForCallLogsAsync(long projectId, IReadOnlyCollection<long> callLogIds, CancellationToken cancellationToken)
    {
        if (callLogIds.Count == 0)
        {
            return 0;
        }
        await context.EnsureInitializedAsync(cancellationToken);
        var result = await context.WebhookDeliveries.DeleteManyAsync(
            Filter.Eq("project_id", projectId) & Filter.In("call_log_id", callLogIds), cancellationToken);
        return (int)result.DeletedCount;
    }

    private async Task<WebhookDelivery?> FindOneAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        var found = await context.WebhookDeliveries.Find(filter).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : FromBson(found);
    }

    private static BsonDocument ToBson(WebhookDelivery d) => new()
    {
        { "_id", d.Id },
        { "delivery_key", d.DeliveryKey },
        { "project_id", d.ProjectId },
        { "call_log_id", d.CallLogId },
        { "url", d.Url },
        { "secret", Nullable(d.Secret) },
        { "body", d.Body },
        { "status", WebhookOutboxRules.StatusName(d.Status) },
        { "attempts", d.Attempts },
        { "next_attempt_at", d.NextAttemptAt.ToUnixTimeMilliseconds() },
        { "last_error", Nullable(d.LastError) },
        { "last_status_code", d.LastStatusCode is { } code ? new BsonInt32(code) : BsonNull.Value },
        { "created_at", d.CreatedAt.ToUnixTimeMilliseconds() },
        { "delivered_at", MongoDocuments.UnixMs(d.DeliveredAt) },
        { "abandoned_at", MongoDocuments.UnixMs(d.AbandonedAt) },
        { "lease_id", Nullable(d.LeaseId) },
        { "leased_until", MongoDocuments.UnixMs(d.LeasedUntil) },
    };

    private static WebhookDelivery FromBson(BsonDocument d) => new()
    {
        Id = d["_id"].ToInt64(),
        DeliveryKey = d["delivery_key"].AsString,
        ProjectId = d["project_id"].ToInt64(),
        CallLogId = d["call_log_id"].ToInt64(),
        Url = d["url"].AsString,
        Secret = d["secret"].IsBsonNull ? null : d["secret"].AsString,
        Body = d["body"].AsString,
        Status = WebhookOutboxRules.ParseStatus(d["status"].AsString),
        Attempts = d["attempts"].ToInt32(),
        NextAttemptAt = Time(d["next_attempt_at"]),
        LastError = d["last_error"].IsBsonNull ? null : d["last_error"].AsString,
        LastStatusCode = d["last_status_code"].IsBsonNull ? null : d["last_status_code"].ToInt32(),
        CreatedAt = Time(d["created_at"]),
        DeliveredAt = d["delivered_at"].IsBsonNull ? null : Time(d["delivered_at"]),
        AbandonedAt = d["abandoned_at"].IsBsonNull ? null : Time(d["abandoned_at"]),
        LeaseId = d["lease_id"].IsBsonNull ? null : d["lease_id"].AsString,
        LeasedUntil = d["leased_until"].IsBsonNull ? null : Time(d["leased_until"]),
    };

    private static BsonValue Nullable(string? value) => value is null ? BsonNull.Value : new BsonString(value);

    private static DateTimeOffset Time(BsonValue unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs.ToInt64());
}
