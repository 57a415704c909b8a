using System.Globalization;
using System.Text.Json;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;

namespace Cekura.Ingest.CallLogs.Filters;

/// <summary>A parsed <c>filters_v2</c>: the filter tree, or the problems that make it a <c>400</c>.</summary>
public sealed record CallFilterParse(CallFilter? Filter, IReadOnlyList<string> Problems);

/// <summary>
/// Reads the call list's <c>filters_v2</c>: a condition <c>{"field", "op", "value"}</c> or a group
/// <c>{"operator": "and"|"or", "conditions": [...]}</c> whose conditions may be groups again. Everything is checked
/// before a store sees it: the field, whether the op applies to it, the value's type, and caps on size and nesting
/// so one request stays one bounded query. Each problem names where it is (<c>conditions[1].value</c>).
/// </summary>
public static class CallFilterParser
{
    public const int MaxLength = 20_000;
    public const int MaxDepth = 5;
    public const int MaxConditions = 50;
    public const int MaxInValues = 100;
    public const int MaxTextLength = 1000;
    public const int MaxMetadataKeyLength = 200;

    /// <summary>Enough to fix a request; a filter that is wrong everywhere does not get a page of messages.</summary>
    public const int MaxProblems = 10;

    private static readonly string[] Statuses = ["success", "failure", "reviewed_success", "reviewed_failure"];

    private static readonly Dictionary<string, FilterOp> Ops = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eq"] = FilterOp.Eq,
        ["neq"] = FilterOp.Neq,
        ["gt"] = FilterOp.Gt,
        ["gte"] = FilterOp.Gte,
        ["lt"] = FilterOp.Lt,
        ["lte"] = FilterOp.Lte,
        ["contains"] = FilterOp.Contains,
        ["startswith"] = FilterOp.StartsWith,
        ["in"] = FilterOp.In,
        ["isnull"] = FilterOp.IsNull,
    };

    private static readonly Dictionary<FilterFields.Kind, FilterOp[]> OpsByKind = new()
    {
        [FilterFields.Kind.Boolean] = [FilterOp.Eq, FilterOp.Neq, FilterOp.In, FilterOp.IsNull],
        [FilterFields.Kind.Number] = [FilterOp.Eq, FilterOp.Neq, FilterOp.Gt, FilterOp.Gte, FilterOp.Lt, FilterOp.Lte, FilterOp.In, FilterOp.IsNull],
        [FilterFields.Kind.Text] = [FilterOp.Eq, FilterOp.Neq, FilterOp.Contains, FilterOp.StartsWith, FilterOp.In, FilterOp.IsNull],
        [FilterFields.Kind.Status] = [FilterOp.Eq, FilterOp.Neq, FilterOp.In, FilterOp.IsNull],
        [FilterFields.Kind.Time] = [FilterOp.Eq, FilterOp.Neq, FilterOp.Gt, FilterOp.Gte, FilterOp.Lt, FilterOp.Lte, FilterOp.In, FilterOp.IsNull],
        [FilterFields.Kind.Id] = [FilterOp.Eq, FilterOp.Neq, FilterOp.In],
        [FilterFields.Kind.Metadata] = [.. Ops.Values],
    };

    private static readonly string FieldList =
        string.Join(", ", FilterFields.ByName.Keys) + $", {FilterFields.MetadataPrefix}<key>";

    public static CallFilterParse Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            return new CallFilterParse(null, [$"Must be at most {MaxLength} characters."]);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return new CallFilterParse(null, [$"Must be valid JSON: {e.Message}"]);
        }
        using (document)
        {
            var reader = new Reader();
            try
            {
                var filter = reader.Node(document.RootElement, "", depth: 0);
                return reader.Problems.Count > 0 ? new CallFilterParse(null, reader.Problems) : new CallFilterParse(filter, []);
            }
            catch (InvalidOperationException e)
            {
                // Parse accepts an escaped unpaired surrogate ("\uD800"); reading that string is what fails.
                return new CallFilterParse(null, [$"Must be valid JSON: {e.Message}"]);
            }
        }
    }

    /// <summary>One parse's state: the problems found so far and the conditions counted.</summary>
    private sealed class Reader
    {
        private int _conditions;

        public List<string> Problems { get; } = [];

        public CallFilter? Node(JsonElement node, string path, int depth)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                Problem(path, $"expected a condition {{\"field\", \"op\", \"value\"}} or a group {{\"operator\", \"conditions\"}}, but got {ApiErrors.KindName(node.ValueKind)}.");
                return null;
            }
            var keys = node.EnumerateObject().Select(p => p.Name).ToList();
            var isGroup = keys.Contains("operator") || keys.Contains("conditions");
            var isCondition = keys.Contains("field") || keys.Contains("op") || keys.Contains("value");
            if (isGroup && isCondition)
            {
                Problem(path, "a condition has field, op and value; a group has operator and conditions; this object mixes both.");
                return null;
            }
            foreach (var unexpected in keys.Except(isGroup ? ["operator", "conditions"] : ["field", "op", "value"]))
            {
                Problem(path, $"unexpected key '{unexpected}'.");
            }
            return isGroup ? Group(node, path, depth + 1) : Condition(node, path);
        }

        private FilterGroup? Group(JsonElement node, string path, int depth)
        {
            if (depth > MaxDepth)
            {
                Problem(path, $"groups may be nested at most {MaxDepth} deep.");
                return null;
            }
            FilterJoin? join = null;
            if (!node.TryGetProperty("operator", out var op))
            {
                Problem(Join(path, "operator"), "required: \"and\" or \"or\".");
            }
            else if (op.ValueKind == JsonValueKind.String && op.GetString()!.ToLowerInvariant() is "and" or "or")
            {
                join = op.GetString()!.Equals("and", StringComparison.OrdinalIgnoreCase) ? FilterJoin.And : FilterJoin.Or;
            }
            else
            {
                Problem(Join(path, "operator"), $"{Shown(op)} is not \"and\" or \"or\".");
            }

            if (!node.TryGetProperty("conditions", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                Problem(Join(path, "conditions"), list.ValueKind == JsonValueKind.Undefined
                    ? "required: a list of conditions."
                    : $"expected a list of conditions, but got {ApiErrors.KindName(list.ValueKind)}.");
                return null;
            }
            if (list.GetArrayLength() == 0)
            {
                Problem(Join(path, "conditions"), "may not be empty.");
                return null;
            }
            var conditions = new List<CallFilter>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (Node(item, $"{Join(path, "conditions")}[{index++}]", depth) is { } condition)
                {
                    conditions.Add(condition);
                }
                if (Problems.Count >= MaxProblems)
                {
                    break;
                }
            }
            return join is { } j && conditions.Count == list.GetArrayLength() ? new FilterGroup(j, conditions) : null;
        }

        private FilterCondition? Condition(JsonElement node, string path)
        {
            if (++_conditions == MaxConditions + 1)
            {
                Problem("", $"at most {MaxConditions} conditions in all.");
            }
            var field = Field(node, path);
            var op = Op(node, path, field);
            if (field is not { } f || op is not { } o)
            {
                return null;
            }
            if (!node.TryGetProperty("value", out var value))
            {
                Problem(Join(path, "value"), "required.");
                return null;
            }
            var values = Values(value, Join(path, "value"), f, o);
            return values is null ? null : new FilterCondition(f.Field, f.MetadataKey, o, values);
        }

        private FieldSpec? Field(JsonElement node, string path)
        {
            var at = Join(path, "field");
            if (!node.TryGetProperty("field", out var field))
            {
                Problem(at, "required.");
                return null;
            }
            if (field.ValueKind != JsonValueKind.String)
            {
                Problem(at, $"expected a field name, but got {ApiErrors.KindName(field.ValueKind)}.");
                return null;
            }
            var name = field.GetString()!;
            if (FilterFields.ByName.TryGetValue(name, out var known))
            {
                return new FieldSpec(name, known.Field, known.Kind, null);
            }
            if (name.StartsWith(FilterFields.MetadataPrefix, StringComparison.Ordinal))
            {
                var key = name[FilterFields.MetadataPrefix.Length..];
                if (key.Length == 0)
                {
                    Problem(at, $"'{FilterFields.MetadataPrefix}' needs a key, e.g. {FilterFields.MetadataPrefix}customer_id.");
                    return null;
                }
                if (key.Length > MaxMetadataKeyLength)
                {
                    Problem(at, $"a metadata key may be at most {MaxMetadataKeyLength} characters.");
                    return null;
                }
                return new FieldSpec(name, FilterField.Metadata, FilterFields.Kind.Metadata, key);
            }
            Problem(at, $"unknown field '{Clip(name)}'; filterable fields: {FieldList}.");
            return null;
        }

        private FilterOp? Op(JsonElement node, string path, FieldSpec? field)
        {
            var at = Join(path, "op");
            if (!node.TryGetProperty("op", out var op))
            {
                Problem(at, "required.");
                return null;
            }
            if (op.ValueKind != JsonValueKind.String || !Ops.TryGetValue(op.GetString()!, out var parsed))
            {
                Problem(at, $"unknown op {Shown(op)}; use {string.Join(", ", Ops.Keys)}.");
                return null;
            }
            if (field is { } f && !OpsByKind[f.Kind].Contains(parsed))
            {
                var allowed = OpsByKind[f.Kind].Select(o => Ops.First(kv => kv.Value == o).Key);
                Problem(at, $"'{Name(parsed)}' does not apply to {f.Name} ({Describe(f.Kind)}); use {string.Join(", ", allowed)}.");
                return null;
            }
            return parsed;
        }

        private List<FilterValue>? Values(JsonElement value, string at, FieldSpec field, FilterOp op)
        {
            if (op == FilterOp.IsNull)
            {
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    return [new FilterValue.Bool(value.GetBoolean())];
                }
                Problem(at, $"isnull takes true or false, but got {ApiErrors.KindName(value.ValueKind)}.");
                return null;
            }
            if (op != FilterOp.In)
            {
                return Scalar(value, at, field, op) is { } one ? [one] : null;
            }
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Problem(at, value.ValueKind == JsonValueKind.Array
                    ? "in needs at least one value."
                    : $"in takes a list of values, but got {ApiErrors.KindName(value.ValueKind)}.");
                return null;
            }
            if (value.GetArrayLength() > MaxInValues)
            {
                Problem(at, $"in takes at most {MaxInValues} values.");
                return null;
            }
            var values = new List<FilterValue>();
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Scalar(item, $"{at}[{index++}]", field, FilterOp.Eq) is { } one)
                {
                    values.Add(one);
                }
            }
            return values.Count == value.GetArrayLength() ? values : null;
        }

        /// <summary>One value for the field, typed; <paramref name="op"/> decides what metadata values may be.</summary>
        private FilterValue? Scalar(JsonElement value, string at, FieldSpec field, FilterOp op)
        {
            switch (field.Kind)
            {
                case FilterFields.Kind.Boolean:
                    if (Boolean(value) is { } b)
                    {
                        return new FilterValue.Bool(b);
                    }
                    break;
                case FilterFields.Kind.Number:
                    if (Number(value) is { } n)
                    {
                        return new FilterValue.Real(n);
                    }
                    break;
                case FilterFields.Kind.Id:
                    if (Id(value) is { } id)
                    {
                        return new FilterValue.Integer(id);
                    }
                    break;
                case FilterFields.Kind.Time:
                    if (value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture,
                            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
                    {
                        return new FilterValue.Time(time);
                    }
                    Problem(at, $"{Shown(value)} is not an ISO 8601 date-time, e.g. 2024-03-15T10:15:45Z.");
                    return null;
                case FilterFields.Kind.Status:
                    if (value.ValueKind == JsonValueKind.String && Statuses.Contains(value.GetString()))
                    {
                        return new FilterValue.Text(value.GetString()!);
                    }
                    Problem(at, $"{Shown(value)} is not a status; use {string.Join(", ", Statuses)}.");
                    return null;
                case FilterFields.Kind.Text:
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        return Text(value.GetString()!, at, op);
                    }
                    break;
                case FilterFields.Kind.Metadata:
                    return Metadata(value, at, op);
            }
            Problem(at, $"{field.Name} takes {Describe(field.Kind)}, but got {ApiErrors.KindName(value.ValueKind)}.");
            return null;
        }

        /// <summary>Metadata values keep their JSON type: a string matches only strings, a number only numbers.</summary>
        private FilterValue? Metadata(JsonElement value, string at, FilterOp op)
        {
            var textOnly = op is FilterOp.Contains or FilterOp.StartsWith;
            var ordered = op is FilterOp.Gt or FilterOp.Gte or FilterOp.Lt or FilterOp.Lte;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return Text(value.GetString()!, at, op);
                case JsonValueKind.Number when !textOnly:
                    if (value.TryGetInt64(out var whole))
                    {
                        return new FilterValue.Integer(whole);
                    }
                    if (value.TryGetDouble(out var real) && double.IsFinite(real))
                    {
                        return new FilterValue.Real(real);
                    }
                    Problem(at, "the number is out of range.");
                    return null;
                case JsonValueKind.True or JsonValueKind.False when !textOnly && !ordered:
                    return new FilterValue.Bool(value.GetBoolean());
            }
            var wanted = textOnly ? "a string" : ordered ? "a string or a number" : "a string, a number or a boolean";
            Problem(at, $"{Name(op)} on metadata takes {wanted}, but got {ApiErrors.KindName(value.ValueKind)}.");
            return null;
        }

        private FilterValue.Text? Text(string text, string at, FilterOp op)
        {
            if (text.Length > MaxTextLength)
            {
                Problem(at, $"at most {MaxTextLength} characters.");
                return null;
            }
            if (text.Length == 0 && op is FilterOp.Contains or FilterOp.StartsWith)
            {
                Problem(at, $"{Name(op)} needs a non-empty string.");
                return null;
            }
            return new FilterValue.Text(text);
        }

        private void Problem(string at, string message)
        {
            if (Problems.Count < MaxProblems)
            {
                Problems.Add(at.Length == 0 ? char.ToUpperInvariant(message[0]) + message[1..] : $"{at}: {message}");
            }
        }
    }

    private sealed record FieldSpec(string Name, FilterField Field, FilterFields.Kind Kind, string? MetadataKey);

    private static bool? Boolean(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        // Query-string builders often send booleans as text.
        JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
        _ => null,
    };

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => null,
    };

    /// <summary>A positive integer, as a JSON number or a string of digits (Cekura's clients send both).</summary>
    private static long? Id(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var id) && id > 0 => id,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 => id,
        _ => null,
    };

    private static string Describe(FilterFields.Kind kind) => kind switch
    {
        FilterFields.Kind.Boolean => "true or false",
        FilterFields.Kind.Number => "a number of seconds",
        FilterFields.Kind.Text => "a string",
        FilterFields.Kind.Status => "a status",
        FilterFields.Kind.Time => "an ISO 8601 date-time",
        FilterFields.Kind.Id => "a positive integer id",
        _ => "a string, a number or a boolean",
    };

    private static string Name(FilterOp op) => Ops.First(kv => kv.Value == op).Key;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>A value as it appears in a message: strings quoted and clipped, anything else as its JSON type.</summary>
    private static string Shown(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? $"'{Clip(value.GetString()!)}'" : ApiErrors.KindName(value.ValueKind);

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
