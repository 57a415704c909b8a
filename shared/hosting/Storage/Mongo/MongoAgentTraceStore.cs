using Cekura.Contracts.Traces;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage.Traces;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// Spans as <c>{project_id, trace_id, span_id, parent_span_id, name, service, start_ns, end_ns, status_code,
/// status_message, attributes: [{k, v}], dropped_attributes, received_at}</c>, unique per (project, trace, span).
/// Attributes are <c>{k, v}</c> pairs with BSON-typed values (attribute keys hold dots, which field names should not).
/// The per-trace span cap counts before writing, so exports of one trace racing on two replicas may overshoot it by
/// one batch; SQLite's write lock makes it exact there.
/// </summary>
public sealed class MongoAgentTraceStore(MongoStoreContext context, AgentTraceLimits limits) : IAgentTraceStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private const long NanosecondsPerTick = 100;

    public async Task<long> AppendAsync(long projectId, IReadOnlyList<AgentSpan> spans, CancellationToken cancellationToken)
    {
        if (spans.Count == 0)
        {
            return 0;
        }
        await context.EnsureInitializedAsync(cancellationToken);
        var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long totalDropped = 0;
        foreach (var trace in spans.GroupBy(s => s.TraceId, StringComparer.Ordinal))
        {
            var traceFilter = Filter.Eq("project_id", projectId) & Filter.Eq("trace_id", trace.Key);
            var existing = (await context.AgentSpans.Find(traceFilter).Project(Builders<BsonDocument>.Projection.Include("span_id").Exclude("_id"))
                    .ToListAsync(cancellationToken))
                .Select(d => d["span_id"].AsString).ToHashSet(StringComparer.Ordinal);
            var stored = existing.Count;
            long droppedSpans = 0;
            var writes = new List<WriteModel<BsonDocument>>();
            foreach (var original in trace)
            {
                if (!existing.Contains(original.SpanId))
                {
                    if (stored >= limits.MaxSpansPerTrace)
                    {
                        droppedSpans++;
                        continue;
                    }
                    existing.Add(original.SpanId);
                    stored++;
                }
                var (span, droppedAttributes) = AgentSpanCaps.Apply(original, limits);
                writes.Add(new ReplaceOneModel<BsonDocument>(
                    traceFilter & Filter.Eq("span_id", span.SpanId), ToDocument(projectId, span, droppedAttributes, received)) { IsUpsert = true });
            }
            if (writes.Count > 0)
            {
                await context.AgentSpans.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = true }, cancellationToken);
            }
            await context.AgentTraces.UpdateOneAsync(
                traceFilter,
                Builders<BsonDocument>.Update.Inc("dropped_spans", droppedSpans).Set("updated_at", received).Set("owed", true),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            totalDropped += droppedSpans;
        }
        return totalDropped;
    }

    public async Task<AgentTrace?> GetAsync(long projectId, string traceId, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var traceFilter = Filter.Eq("project_id", projectId) & Filter.Eq("trace_id", traceId);
        var docs = await context.AgentSpans.Find(traceFilter)
            .Sort(Builders<BsonDocument>.Sort.Ascending("start_ns").Ascending("span_id")).ToListAsync(cancellationToken);
        if (docs.Count == 0)
        {
            return null;
        }
        var drops = await context.AgentTraces.Find(traceFilter).FirstOrDefaultAsync(cancellationToken);
        return new AgentTrace(
            traceId,
            docs.Select(FromDocument).ToList(),
            drops?.GetValue("dropped_spans", 0L).ToInt64() ?? 0,
            docs.Sum(d => d["dropped_attributes"].ToInt64()));
    }

    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var ms = cutoff.ToUnixTimeMilliseconds();
        var deleted = await context.AgentSpans.DeleteManyAsync(Filter.Lt("received_at", ms), cancellationToken);
        await context.AgentTraces.DeleteManyAsync(Filter.Lt("updated_at", ms), cancellationToken);
        return deleted.DeletedCount;
    }

    public async Task<IReadOnlyList<QuietTrace>> ClaimQuietAsync(
        DateTimeOffset quietSince, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var claimable = Filter.Eq("owed", true)
            & Filter.Lte("updated_at", quietSince.ToUnixTimeMilliseconds())
            & (Filter.Exists("claimed_until", false) | Filter.Eq("claimed_until", BsonNull.Value) | Filter.Lte("claimed_until", nowMs));
        var candidates = await context.AgentTraces.Find(claimable)
            .Sort(Builders<BsonDocument>.Sort.Ascending("updated_at")).Limit(max)
            .Project(Builders<BsonDocument>.Projection.Include("project_id").Include("trace_id").Include("updated_at").Exclude("_id"))
            .ToListAsync(cancellationToken);
        var claimed = new List<QuietTrace>();
        foreach (var doc in candidates)
        {
            var projectId = doc["project_id"].ToInt64();
            var traceId = doc["trace_id"].AsString;
            // Conditional on still being claimable: of two replicas that found it, one update matches.
            var result = await context.AgentTraces.UpdateOneAsync(
                Filter.Eq("project_id", projectId) & Filter.Eq("trace_id", traceId) & claimable,
                Builders<BsonDocument>.Update.Set("claimed_until", nowMs + (long)lease.TotalMilliseconds),
                cancellationToken: cancellationToken);
            if (result.ModifiedCount == 1)
            {
                claimed.Add(new QuietTrace(projectId, traceId, DateTimeOffset.FromUnixTimeMilliseconds(doc["updated_at"].ToInt64())));
            }
        }
        return claimed;
    }

    public async Task SettleAsync(IReadOnlyList<QuietTrace> traces, CancellationToken cancellationToken)
    {
        if (traces.Count == 0)
        {
            return;
        }
        await context.EnsureInitializedAsync(cancellationToken);
        // Settled where updated_at is still the claimed arrival; where spans came since, only the claim is released.
        var writes = new List<WriteModel<BsonDocument>>();
        foreach (var trace in traces)
        {
            var key = Filter.Eq("project_id", trace.ProjectId) & Filter.Eq("trace_id", trace.TraceId);
            var seen = trace.LastSpanAt.ToUnixTimeMilliseconds();
            writes.Add(new UpdateOneModel<BsonDocument>(key & Filter.Eq("updated_at", seen),
                Builders<BsonDocument>.Update.Unset("owed").Unset("claimed_until")));
            writes.Add(new UpdateOneModel<BsonDocument>(key & Filter.Ne("updated_at", seen),
                Builders<BsonDocument>.Update.Unset("claimed_until")));
        }
        await context.AgentTraces.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken: cancellationToken);
    }

    private static BsonDocument ToDocument(long projectId, AgentSpan span, int droppedAttributes, long received) => new()
    {
        { "project_id", projectId },
        { "trace_id", span.TraceId },
        { "span_id", span.SpanId },
        { "parent_span_id", (BsonValue?)span.ParentSpanId ?? BsonNull.Value },
        { "name", span.Name },
        { "service", (BsonValue?)span.Service ?? BsonNull.Value },
        { "start_ns", ToNanoseconds(span.Start) },
        { "end_ns", ToNanoseconds(span.End) },
        { "status_code", span.StatusCode },
        { "status_message", (BsonValue?)span.StatusMessage ?? BsonNull.Value },
        { "attributes", new BsonArray(span.Attributes.Select(a => new BsonDocument { { "k", a.Key }, { "v", ToBson(a.Value) } })) },
        { "dropped_attributes", droppedAttributes },
        { "received_at", received },
    };

    private static AgentSpan FromDocument(BsonDocument doc) => new(
        doc["trace_id"].AsString,
        doc["span_id"].AsString,
        doc["parent_span_id"].IsBsonNull ? null : doc["parent_span_id"].AsString,
        doc["name"].AsString,
        doc["service"].IsBsonNull ? null : doc["service"].AsString,
        FromNanoseconds(doc["start_ns"].ToInt64()),
        FromNanoseconds(doc["end_ns"].ToInt64()),
        doc["attributes"].AsBsonArray.Select(a => a.AsBsonDocument)
            .ToDictionary(a => a["k"].AsString, a => FromBson(a["v"]), StringComparer.Ordinal),
        doc["status_code"].AsString,
        doc["status_message"].IsBsonNull ? null : doc["status_message"].AsString);

    private static BsonValue ToBson(object? value) => value switch
    {
        null => BsonNull.Value,
        string s => new BsonString(s),
        bool b => BsonBoolean.Create(b),
        long l => new BsonInt64(l),
        int i => new BsonInt64(i),
        double d => new BsonDouble(d),
        IReadOnlyList<object?> items => new BsonArray(items.Select(ToBson)),
        _ => new BsonString(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static object? FromBson(BsonValue value) => value.BsonType switch
    {
        BsonType.String => value.AsString,
        BsonType.Boolean => value.AsBoolean,
        BsonType.Int64 => value.AsInt64,
        BsonType.Int32 => (long)value.AsInt32,
        BsonType.Double => value.AsDouble,
        BsonType.Array => value.AsBsonArray.Select(FromBson).ToList(),
        _ => null,
    };

    private static long ToNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * NanosecondsPerTick;

    private static DateTimeOffset FromNanoseconds(long nanoseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + nanoseconds / NanosecondsPerTick, TimeSpan.Zero);
}
