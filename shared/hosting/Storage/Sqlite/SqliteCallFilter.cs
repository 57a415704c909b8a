using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// Turns a <see cref="CallFilter"/> into a parameterized SQL condition over <c>calls</c>. Each field is an indexed
/// column (a generated column reading the JSON document, see <see cref="SqliteDatabase"/>); metadata keys are
/// looked up in <c>call_metadata</c>, one indexed row per top-level key, kept by triggers.
/// </summary>
internal sealed class SqliteCallFilter(List<SqliteParameter> parameters)
{
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
            case FilterCondition { Field: FilterField.Metadata } condition:
                AppendMetadata(sql, condition);
                break;
            case FilterCondition condition:
                sql.Append('(');
                AppendComparison(sql, Column(condition.Field), condition.Op, condition.Values);
                sql.Append(')');
                break;
            default:
                throw new ArgumentException($"Unknown filter node {filter.GetType().Name}.", nameof(filter));
        }
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
        var (negate, op, values) = condition.Op switch
        {
            FilterOp.Neq => (true, FilterOp.Eq, condition.Values),
            FilterOp.IsNull => (IsNullWanted(condition.Values), FilterOp.IsNull, condition.Values),
            _ => (false, condition.Op, condition.Values),
        };
        sql.Append(negate ? "id NOT IN (" : "id IN (")
            .Append("SELECT call_rowid FROM call_metadata WHERE project_id = $project AND key = ")
            .Append(Parameter(new FilterValue.Text(condition.MetadataKey!)))
            .Append(" AND (");
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
        sql.Append("))");
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
        var name = "$f" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new SqliteParameter(name, value switch
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
