using System.Text.Json;
using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// Turns a <see cref="CallFilter"/> into a MongoDB filter on the calls collection. Fields are read from the stored
/// document (<c>doc.*</c>), <c>ts</c> and <c>agent_id</c> from the top level, and metadata from <c>meta</c>, an
/// array of <c>{k, v}</c> pairs written beside the document (see <see cref="MetaEntries"/>). Every field has a
/// <c>(project_id, field, ts)</c> index, created by <see cref="MongoStoreContext"/>. MongoDB compares only values of
/// the same type (numbers with numbers, strings with strings), which is the rule the SQLite store spells out.
/// </summary>
internal static class MongoCallFilter
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    /// <summary>The stored field each filter field reads.</summary>
    public static string Path(FilterField field) => field switch
    {
        FilterField.Success => "doc.success",
        FilterField.Status => "doc.status",
        FilterField.Duration => "doc.duration_seconds",
        FilterField.CustomerNumber => "doc.customer_number",
        FilterField.CallEndedReason => "doc.call_ended_reason",
        FilterField.Topic => "doc.topic",
        FilterField.DropoffPoint => "doc.dropoff_point",
        FilterField.Timestamp => "ts",
        FilterField.IsReviewed => "doc.is_reviewed",
        FilterField.AgentId => "agent_id",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a single field."),
    };

    public static FilterDefinition<BsonDocument> Translate(CallFilter filter) => filter switch
    {
        FilterGroup { Join: FilterJoin.And } group => Filter.And(group.Conditions.Select(Translate)),
        FilterGroup group => Filter.Or(group.Conditions.Select(Translate)),
        FilterCondition { Field: FilterField.Metadata } condition => Metadata(condition),
        FilterCondition condition => Comparison(Path(condition.Field), condition.Op, condition.Values),
        _ => throw new ArgumentException($"Unknown filter node {filter.GetType().Name}.", nameof(filter)),
    };

    /// <summary>
    /// The <c>meta</c> entries of a call: one <c>{k, v}</c> per top-level metadata key, with nested objects and
    /// arrays stored as an empty document (present and not null, but equal to no scalar; an array would make MongoDB
    /// match its elements).
    /// </summary>
    public static BsonArray MetaEntries(JsonElement? metadata)
    {
        var entries = new BsonArray();
        if (metadata is not { ValueKind: JsonValueKind.Object } value)
        {
            return entries;
        }
        foreach (var property in value.EnumerateObject())
        {
            BsonValue v = property.Value.ValueKind switch
            {
                JsonValueKind.String => new BsonString(property.Value.GetString()!),
                JsonValueKind.Number => property.Value.TryGetInt64(out var l) ? new BsonInt64(l) : new BsonDouble(property.Value.GetDouble()),
                JsonValueKind.True => BsonBoolean.True,
                JsonValueKind.False => BsonBoolean.False,
                JsonValueKind.Null => BsonNull.Value,
                _ => new BsonDocument(),
            };
            entries.Add(new BsonDocument { { "k", property.Name }, { "v", v } });
        }
        return entries;
    }

    /// <summary><c>$ne</c> and <c>{field: null}</c> count a missing field as null, like the SQLite store's <c>IS NOT</c> and <c>IS NULL</c>.</summary>
    private static FilterDefinition<BsonDocument> Comparison(string path, FilterOp op, IReadOnlyList<FilterValue> values) => op switch
    {
        FilterOp.Eq => Filter.Eq(path, Bson(values[0])),
        FilterOp.Neq => Filter.Ne(path, Bson(values[0])),
        FilterOp.Gt => Filter.Gt(path, Bson(values[0])),
        FilterOp.Gte => Filter.Gte(path, Bson(values[0])),
        FilterOp.Lt => Filter.Lt(path, Bson(values[0])),
        FilterOp.Lte => Filter.Lte(path, Bson(values[0])),
        // Unanchored: scans the field's index keys. Anchored and case-sensitive: an index range.
        FilterOp.Contains => Filter.Regex(path, new BsonRegularExpression(Regex.Escape(Text(values[0])))),
        FilterOp.StartsWith => Filter.Regex(path, new BsonRegularExpression("^" + Regex.Escape(Text(values[0])))),
        FilterOp.In => Filter.In(path, values.Select(Bson)),
        FilterOp.IsNull => IsNullWanted(values) ? Filter.Eq(path, BsonNull.Value) : Filter.Ne(path, BsonNull.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>
    /// A metadata condition holds when some <c>meta</c> entry has the key and a matching value; <c>neq</c> and
    /// <c>isnull: true</c> hold when none has.
    /// </summary>
    private static FilterDefinition<BsonDocument> Metadata(FilterCondition condition)
    {
        var entry = Builders<BsonDocument>.Filter;
        FilterDefinition<BsonDocument> Has(FilterDefinition<BsonDocument> value) =>
            Filter.ElemMatch("meta", entry.Eq("k", condition.MetadataKey!) & value);
        var notNull = entry.Ne("v", BsonNull.Value);
        return condition.Op switch
        {
            FilterOp.Neq => Filter.Not(Has(Comparison("v", FilterOp.Eq, condition.Values))),
            FilterOp.IsNull => IsNullWanted(condition.Values) ? Filter.Not(Has(notNull)) : Has(notNull),
            _ => Has(Comparison("v", condition.Op, condition.Values)),
        };
    }

    private static BsonValue Bson(FilterValue value) => value switch
    {
        FilterValue.Text t => new BsonString(t.Value),
        FilterValue.Integer i => new BsonInt64(i.Value),
        FilterValue.Real r => new BsonDouble(r.Value),
        FilterValue.Bool b => b.Value ? BsonBoolean.True : BsonBoolean.False,
        FilterValue.Time t => new BsonInt64(t.Value.ToUnixTimeMilliseconds()),
        _ => throw new ArgumentException($"Unknown value {value.GetType().Name}.", nameof(value)),
    };

    private static bool IsNullWanted(IReadOnlyList<FilterValue> values) => values is [FilterValue.Bool { Value: var wanted }]
        ? wanted
        : throw new ArgumentException("isnull takes one boolean.", nameof(values));

    private static string Text(FilterValue value) =>
        value is FilterValue.Text text ? text.Value : throw new ArgumentException("A text value is required.", nameof(value));
}
