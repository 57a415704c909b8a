using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// Turns a <see cref="CallFilter"/> into a parameterized SQL condition over <c>calls</c> such that every condition
/// is answered from an index, never from the rows. The filterable fields are columns beside the JSON document (see
/// <see cref="SqliteDatabase"/>), but reading one from a row means reading the row, and a call's row is kilobytes:
/// left alone, SQLite's planner walks the time index and reads every row in the window (they were once virtual
/// columns parsed from the document, which took seconds at 100k calls). Instead:
/// <list type="bullet">
/// <item>one field condition of the top-level "and", the <see cref="Driver"/>, is answered by the main query
///   through its field's index, named with <c>INDEXED BY</c>;</item>
/// <item>with a driver, other equality-like field conditions are point look-ups in their own index
///   (<c>EXISTS</c> on project, value, <c>ts</c> and id of the row at hand), in time order as the driver yields rows;</item>
/// <item>any other field condition is the set of ids its index holds in the time window (<c>id IN (…)</c>);</item>
/// <item>metadata keys are looked up in <c>call_metadata</c>, one indexed row per top-level key, kept by triggers;</item>
/// <item>when the rows come from a short id list (<c>call_ids</c>, or a metadata condition that matches few calls,
///   see <see cref="SqliteCallStore"/>), there is no driver; equality-like conditions are look-ups and the others
///   read the listed rows.</item>
/// </list>
/// The choices were measured with the call-list benchmark (tests/Cekura.Benchmarks, <c>call-list</c>).
/// </summary>
internal sealed class SqliteCallFilter
{
    private readonly List<SqliteParameter> _parameters;
    private readonly FilterCondition? _driver;

    /// <summary>Whether the main query yields few enough rows (or rows in time order) for per-row look-ups to pay.</summary>
    private readonly bool _lookUps;

    private readonly bool _fewRows;

    /// <summary>The time window plus the top-level time conditions: what every id set is narrowed to.</summary>
    private readonly string _window;

    /// <summary>SQL already written for the top-level time conditions, reused where they appear.</summary>
    private readonly Dictionary<FilterCondition, string> _timeConditions = new(ReferenceEqualityComparer.Instance);

    /// <param name="fewRows">The rows come from a short list of ids (at most a thousand), fetched by primary key.</param>
    public SqliteCallFilter(List<SqliteParameter> parameters, CallFilter filter, bool fewRows = false)
    {
        _parameters = parameters;
        var topLevel = TopLevel(filter);
        _fewRows = fewRows;
        _driver = fewRows ? null : Driver(topLevel);
        _lookUps = fewRows || _driver is not null;
        var window = new StringBuilder("ts >= $from AND ts <= $to");
        foreach (var time in topLevel.Where(c => c.Field == FilterField.Timestamp))
        {
            var condition = new StringBuilder("(");
            AppendComparison(condition, "ts", time.Op, time.Values);
            _timeConditions[time] = condition.Append(')').ToString();
            window.Append(" AND ").Append(_timeConditions[time]);
        }
        _window = window.ToString();
    }

    /// <summary>The index the main query reads (<c>INDEXED BY</c>), or null to leave the choice to SQLite.</summary>
    public string? DriverIndex => _driver is { } driver ? Index(driver.Field) : null;

    /// <summary>Appends the condition to <paramref name="sql"/>; its values go into the parameter list.</summary>
    public void Append(StringBuilder sql, CallFilter filter)
    {
        switch (filter)
        {
            case FilterGroup group:
                sql.Append('(');
                for (var i = 0; i < group.Conditions.Count; i++)
                {
                    if (i > 0)
                    {
                        sql.Append(group.Join == FilterJoin.And ? " AND " : " OR ");
                    }
                    Append(sql, group.Conditions[i]);
                }
                sql.Append(')');
                break;
            case FilterCondition condition when _timeConditions.TryGetValue(condition, out var written):
                sql.Append(written);
                break;
            case FilterCondition { Field: FilterField.Metadata } condition:
                AppendMetadata(sql, condition);
                break;
            case FilterCondition condition when ReferenceEquals(condition, _driver) || condition.Field == FilterField.Timestamp:
                sql.Append('(');
                AppendComparison(sql, Column(condition.Field), condition.Op, condition.Values);
                sql.Append(')');
                break;
            case FilterCondition condition when _lookUps && IsPointLookup(condition.Op):
                AppendPointLookup(sql, condition);
                break;
            case FilterCondition condition when _fewRows:
                // At most a thousand listed rows: reading their documents costs less than any id set of the field.
                sql.Append('(');
                AppendComparison(sql, Column(condition.Field), condition.Op, condition.Values);
                sql.Append(')');
                break;
            case FilterCondition condition:
                sql.Append("id IN (SELECT id FROM calls INDEXED BY ").Append(Index(condition.Field))
                    .Append(" WHERE project_id = $project AND ").Append(_window).Append(" AND ");
                AppendComparison(sql, Column(condition.Field), condition.Op, condition.Values);
                sql.Append(')');
                break;
            default:
                throw new ArgumentException($"Unknown filter node {filter.GetType().Name}.", nameof(filter));
        }
    }

    /// <summary>The index a field condition is answered from; null for the time (in every index) and metadata.</summary>
    public static string? Index(FilterField field) => field switch
    {
        FilterField.Success => "calls_project_success_ts",
        FilterField.Status => "calls_project_status_ts",
        FilterField.Duration => "calls_project_duration_ts",
        FilterField.CustomerNumber => "calls_project_customer_number_ts",
        FilterField.CallEndedReason => "calls_project_call_ended_reason_ts",
        FilterField.Topic => "calls_project_topic_ts",
        FilterField.DropoffPoint => "calls_project_dropoff_point_ts",
        FilterField.IsReviewed => "calls_project_is_reviewed_ts",
        FilterField.AgentId => "calls_project_agent_ts",
        _ => null,
    };

    /// <summary>
    /// A top-level metadata condition whose matches the index lists directly (equality or <c>in</c>), so the store
    /// can count them first and, when they are few, fetch just those calls.
    /// </summary>
    public static FilterCondition? SeekableMetadata(CallFilter? filter) => filter is null
        ? null
        : TopLevel(filter).FirstOrDefault(c => c is { Field: FilterField.Metadata, Op: FilterOp.Eq or FilterOp.In });

    /// <summary>Appends the <c>call_metadata</c> condition of a metadata equality or <c>in</c> (rows that match it).</summary>
    public static void AppendMetadataMatch(StringBuilder sql, List<SqliteParameter> parameters, FilterCondition condition) =>
        new SqliteCallFilter(parameters).AppendMetadataRows(sql, condition.MetadataKey!, condition.Op, condition.Values);

    private SqliteCallFilter(List<SqliteParameter> parameters)
    {
        _parameters = parameters;
        _window = "";
    }

    /// <summary>The conditions every call must meet: the filter itself, or the direct children of a top-level "and".</summary>
    private static List<FilterCondition> TopLevel(CallFilter filter) => filter switch
    {
        FilterCondition condition => [condition],
        FilterGroup { Join: FilterJoin.And } group => group.Conditions.OfType<FilterCondition>().ToList(),
        _ => [],
    };

    /// <summary>
    /// The top-level field condition whose index should yield the candidate rows: an index seek that also gives the
    /// newest-first order (equality, in, is null) before a range, and a field with many values before a boolean,
    /// whose every value is shared by a large part of the calls.
    /// </summary>
    private static FilterCondition? Driver(List<FilterCondition> topLevel) => topLevel
        .Where(c => Index(c.Field) is not null)
        .OrderBy(c => c.Op is FilterOp.Eq or FilterOp.In || c is { Op: FilterOp.IsNull, Values: [FilterValue.Bool { Value: true }] } ? 0 : 1)
        .ThenBy(c => c.Field is FilterField.Success or FilterField.IsReviewed ? 1 : 0)
        .FirstOrDefault();

    /// <summary>Ops that fix the field's value, so the row's entry in the field's index is found by one seek.</summary>
    private static bool IsPointLookup(FilterOp op) => op is FilterOp.Eq or FilterOp.In or FilterOp.Neq or FilterOp.IsNull;

    /// <summary>
    /// Whether the row at hand has (or, for <c>neq</c> and <c>isnull: false</c>, lacks) an entry with the value in the
    /// field's index: a seek on (project, value, ts, id), where SQLite would otherwise read the column from the document.
    /// </summary>
    private void AppendPointLookup(StringBuilder sql, FilterCondition condition)
    {
        IReadOnlyList<FilterValue> isNull = [new FilterValue.Bool(true)];
        var (negate, op, values) = condition.Op switch
        {
            FilterOp.Neq => (true, FilterOp.Eq, condition.Values),
            FilterOp.IsNull => (!IsNullWanted(condition.Values), FilterOp.IsNull, isNull),
            _ => (false, condition.Op, condition.Values),
        };
        sql.Append(negate ? "NOT EXISTS (" : "EXISTS (").Append("SELECT 1 FROM calls AS m INDEXED BY ").Append(Index(condition.Field))
            .Append(" WHERE m.project_id = $project AND ");
        AppendComparison(sql, "m." + Column(condition.Field), op, values);
        sql.Append(" AND m.ts = calls.ts AND m.id = calls.id)");
    }

    private static string Column(FilterField field) => field switch
    {
        FilterField.Success => "success",
        FilterField.Status => "status",
        FilterField.Duration => "duration_seconds",
        FilterField.CustomerNumber => "customer_number",
        FilterField.CallEndedReason => "call_ended_reason",
        FilterField.Topic => "topic",
        FilterField.DropoffPoint => "dropoff_point",
        FilterField.Timestamp => "ts",
        FilterField.IsReviewed => "is_reviewed",
        FilterField.AgentId => "agent_id",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a column."),
    };

    /// <summary>
    /// A column comparison. <c>neq</c> uses <c>IS NOT</c>, which is true for NULL, so a call without the value counts
    /// as "not equal" (as MongoDB's <c>$ne</c> does).
    /// </summary>
    private void AppendComparison(StringBuilder sql, string column, FilterOp op, IReadOnlyList<FilterValue> values)
    {
        switch (op)
        {
            case FilterOp.IsNull:
                sql.Append(column).Append(IsNullWanted(values) ? " IS NULL" : " IS NOT NULL");
                break;
            case FilterOp.In:
                sql.Append(column).Append(" IN (").AppendJoin(", ", values.Select(Parameter)).Append(')');
                break;
            case FilterOp.Contains:
                // instr, not LIKE: no wildcards to escape, and the match stays case-sensitive like every other op.
                sql.Append("instr(").Append(column).Append(", ").Append(Parameter(values[0])).Append(") > 0");
                break;
            case FilterOp.StartsWith:
                AppendPrefix(sql, column, Text(values[0]));
                break;
            default:
                sql.Append(column).Append(' ').Append(Operator(op)).Append(' ').Append(Parameter(values[0]));
                break;
        }
    }

    /// <summary>A range on the column, so the field's index answers it (LIKE would need a NOCASE index).</summary>
    private void AppendPrefix(StringBuilder sql, string column, string prefix)
    {
        sql.Append(column).Append(" >= ").Append(Parameter(new FilterValue.Text(prefix)));
        if (FilterFields.PrefixUpperBound(prefix) is { } upper)
        {
            sql.Append(" AND ").Append(column).Append(" < ").Append(Parameter(new FilterValue.Text(upper)));
        }
    }

    /// <summary>
    /// Metadata: the call has (or, for <c>neq</c> and <c>isnull</c>, lacks) a <c>call_metadata</c> row for the key
    /// whose JSON type and value match. The JSON type keeps types apart: SQLite would otherwise compare the text
    /// "30" with the number 30, and stores JSON true as the integer 1.
    /// </summary>
    private void AppendMetadata(StringBuilder sql, FilterCondition condition)
    {
        var (negate, op) = condition.Op switch
        {
            FilterOp.Neq => (true, FilterOp.Eq),
            FilterOp.IsNull => (IsNullWanted(condition.Values), FilterOp.IsNull),
            _ => (false, condition.Op),
        };
        sql.Append(negate ? "id NOT IN (" : "id IN (").Append("SELECT call_rowid FROM call_metadata WHERE ");
        AppendMetadataRows(sql, condition.MetadataKey!, op, condition.Values);
        sql.Append(')');
    }

    /// <summary>The <c>call_metadata</c> rows of the key whose value matches (for <c>isnull</c>: whose value is not null).</summary>
    private void AppendMetadataRows(StringBuilder sql, string key, FilterOp op, IReadOnlyList<FilterValue> values)
    {
        sql.Append("project_id = $project AND key = ").Append(Parameter(new FilterValue.Text(key))).Append(" AND (");
        if (op == FilterOp.IsNull)
        {
            sql.Append("type <> 'null'");
        }
        else
        {
            // Values of one type per branch, so "in" over mixed types still compares like with like.
            var branches = values.GroupBy(TypeOf).ToList();
            for (var i = 0; i < branches.Count; i++)
            {
                if (i > 0)
                {
                    sql.Append(" OR ");
                }
                AppendMetadataBranch(sql, branches[i].Key, op, branches[i].ToList());
            }
        }
        sql.Append(')');
    }

    private void AppendMetadataBranch(StringBuilder sql, string type, FilterOp op, IReadOnlyList<FilterValue> values)
    {
        if (type == "boolean")
        {
            // json_each reports true and false as types of their own.
            var wanted = values.Select(v => ((FilterValue.Bool)v).Value ? "'true'" : "'false'").Distinct();
            sql.Append("type IN (").AppendJoin(", ", wanted).Append(')');
            return;
        }
        sql.Append(type == "number" ? "type IN ('integer', 'real') AND " : "type = 'text' AND ");
        AppendComparison(sql, "atom", op, values);
    }

    private static string TypeOf(FilterValue value) => value switch
    {
        FilterValue.Bool => "boolean",
        FilterValue.Integer or FilterValue.Real => "number",
        FilterValue.Text => "text",
        _ => throw new ArgumentException($"A metadata value cannot be a {value.GetType().Name}.", nameof(value)),
    };

    private static bool IsNullWanted(IReadOnlyList<FilterValue> values) => values is [FilterValue.Bool { Value: var wanted }]
        ? wanted
        : throw new ArgumentException("isnull takes one boolean.", nameof(values));

    private static string Text(FilterValue value) =>
        value is FilterValue.Text text ? text.Value : throw new ArgumentException("A text value is required.", nameof(value));

    private static string Operator(FilterOp op) => op switch
    {
        FilterOp.Eq => "=",
        FilterOp.Neq => "IS NOT",
        FilterOp.Gt => ">",
        FilterOp.Gte => ">=",
        FilterOp.Lt => "<",
        FilterOp.Lte => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a plain comparison."),
    };

    private string Parameter(FilterValue value)
    {
        var name = "$f" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new SqliteParameter(name, value switch
        {
            FilterValue.Text t => t.Value,
            FilterValue.Integer i => i.Value,
            FilterValue.Real r => r.Value,
            FilterValue.Bool b => b.Value ? 1L : 0L,
            FilterValue.Time t => t.Value.ToUnixTimeMilliseconds(),
            _ => throw new ArgumentException($"Unknown value {value.GetType().Name}.", nameof(value)),
        }));
        return name;
    }
}
