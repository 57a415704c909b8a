namespace Cekura.Hosting.Storage;

/// <summary>
/// A validated condition tree over a call's fields (the list endpoint's <c>filters_v2</c>). Each store translates
/// it into its own query; both must give the same answers, which the store contract tests check.
/// </summary>
public abstract record CallFilter
{
    private protected CallFilter()
    {
    }
}

/// <summary>All (<see cref="FilterJoin.And"/>) or any (<see cref="FilterJoin.Or"/>) of the conditions.</summary>
public sealed record FilterGroup(FilterJoin Join, IReadOnlyList<CallFilter> Conditions) : CallFilter;

public enum FilterJoin
{
    And,
    Or,
}

/// <summary>
/// One comparison. <see cref="Values"/> holds exactly one value, except for <see cref="FilterOp.In"/> (one or more);
/// for <see cref="FilterOp.IsNull"/> it is a <see cref="FilterValue.Bool"/>: true for "is null or missing".
/// </summary>
/// <param name="MetadataKey">The top-level metadata key when <paramref name="Field"/> is <see cref="FilterField.Metadata"/>.</param>
public sealed record FilterCondition(FilterField Field, string? MetadataKey, FilterOp Op, IReadOnlyList<FilterValue> Values) : CallFilter;

/// <summary>The filterable fields; the API names are in <see cref="FilterFields"/>.</summary>
public enum FilterField
{
    Success,
    Status,
    Duration,
    CustomerNumber,
    CallEndedReason,
    Topic,
    DropoffPoint,
    Timestamp,
    IsReviewed,
    AgentId,
    Metadata,
}

/// <summary>
/// Comparisons. Null (or missing) values never satisfy <c>eq</c>, <c>gt</c>…<c>lte</c>, <c>contains</c>,
/// <c>startswith</c> or <c>in</c>, and always satisfy <c>neq</c> (which is "not eq"). String comparisons are
/// exact and case-sensitive; values of another type than the comparison's never match (metadata "30" is not 30).
/// </summary>
public enum FilterOp
{
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    Contains,
    StartsWith,
    In,
    IsNull,
}

/// <summary>A comparison value, typed: a store compares it only with stored values of the same type.</summary>
public abstract record FilterValue
{
    private FilterValue()
    {
    }

    public sealed record Text(string Value) : FilterValue;

    /// <summary>A whole number; kept apart from <see cref="Real"/> so large metadata integers compare exactly.</summary>
    public sealed record Integer(long Value) : FilterValue;

    public sealed record Real(double Value) : FilterValue;

    public sealed record Bool(bool Value) : FilterValue;

    public sealed record Time(DateTimeOffset Value) : FilterValue;
}

/// <summary>What each field's values are, by the field's API name.</summary>
public static class FilterFields
{
    public enum Kind
    {
        Boolean,
        Number,
        Text,
        Status,
        Time,
        Id,
        Metadata,
    }

    /// <summary>The prefix of a metadata field: <c>metadata.plan</c> filters on the top-level key <c>plan</c>.</summary>
    public const string MetadataPrefix = "metadata.";

    public static IReadOnlyDictionary<string, (FilterField Field, Kind Kind)> ByName { get; } =
        new Dictionary<string, (FilterField, Kind)>(StringComparer.Ordinal)
        {
            ["success"] = (FilterField.Success, Kind.Boolean),
            ["status"] = (FilterField.Status, Kind.Status),
            ["duration"] = (FilterField.Duration, Kind.Number),
            ["customer_number"] = (FilterField.CustomerNumber, Kind.Text),
            ["call_ended_reason"] = (FilterField.CallEndedReason, Kind.Text),
            ["topic"] = (FilterField.Topic, Kind.Text),
            ["dropoff_point"] = (FilterField.DropoffPoint, Kind.Text),
            ["timestamp"] = (FilterField.Timestamp, Kind.Time),
            ["is_reviewed"] = (FilterField.IsReviewed, Kind.Boolean),
            ["agent_id"] = (FilterField.AgentId, Kind.Id),
        };

    /// <summary>
    /// The smallest string greater than every string that starts with <paramref name="prefix"/> (comparing by code
    /// point, which is how SQLite's BINARY collation and MongoDB order UTF-8), or null when there is none: the last
    /// code point is incremented, dropping trailing U+10FFFF. Lets a store answer <c>startswith</c> with an index range.
    /// </summary>
    public static string? PrefixUpperBound(string prefix)
    {
        var codePoints = prefix.EnumerateRunes().Select(r => r.Value).ToList();
        while (codePoints.Count > 0)
        {
            var last = codePoints[^1] + 1;
            codePoints.RemoveAt(codePoints.Count - 1);
            if (last > 0x10FFFF)
            {
                continue;
            }
            if (last is >= 0xD800 and <= 0xDFFF)
            {
                last = 0xE000; // surrogates are not code points of their own
            }
            codePoints.Add(last);
            return string.Concat(codePoints.Select(char.ConvertFromUtf32));
        }
        return null;
    }
}
