using Cekura.Hosting.Storage;
using Cekura.Ingest.CallLogs.Filters;

namespace Cekura.Ingest.Tests.CallLogs;

/// <summary><c>filters_v2</c> of the call list: every op, nesting, and each problem with the message a client reads.</summary>
public sealed class CallFilterParserTests
{
    [Theory]
    [InlineData("eq", FilterOp.Eq)]
    [InlineData("neq", FilterOp.Neq)]
    [InlineData("gt", FilterOp.Gt)]
    [InlineData("gte", FilterOp.Gte)]
    [InlineData("lt", FilterOp.Lt)]
    [InlineData("lte", FilterOp.Lte)]
    [InlineData("GTE", FilterOp.Gte)]
    public void Comparison_ops_on_duration_take_a_number_of_seconds(string op, FilterOp expected)
    {
        var condition = Condition($$"""{"field": "duration", "op": "{{op}}", "value": 90.5}""");

        Assert.Equal(new FilterCondition(FilterField.Duration, null, expected, condition.Values), condition);
        Assert.Equal(new FilterValue.Real(90.5), Assert.Single(condition.Values));
    }

    [Fact]
    public void Contains_and_startswith_take_a_string()
    {
        var contains = Condition("""{"field": "customer_number", "op": "contains", "value": "555"}""");
        var startsWith = Condition("""{"field": "topic", "op": "startswith", "value": "bill"}""");

        Assert.Equal((FilterField.CustomerNumber, FilterOp.Contains), (contains.Field, contains.Op));
        Assert.Equal(new FilterValue.Text("555"), Assert.Single(contains.Values));
        Assert.Equal((FilterField.Topic, FilterOp.StartsWith), (startsWith.Field, startsWith.Op));
        Assert.Equal(new FilterValue.Text("bill"), Assert.Single(startsWith.Values));
    }

    [Fact]
    public void In_takes_a_list_of_values()
    {
        var condition = Condition("""{"field": "call_ended_reason", "op": "in", "value": ["customer-ended-call", "agent-ended-call"]}""");

        Assert.Equal(FilterOp.In, condition.Op);
        Assert.Equal([new FilterValue.Text("customer-ended-call"), new FilterValue.Text("agent-ended-call")], condition.Values);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Isnull_takes_a_boolean(bool value)
    {
        var condition = Condition($$"""{"field": "success", "op": "isnull", "value": {{(value ? "true" : "false")}}}""");

        Assert.Equal(FilterOp.IsNull, condition.Op);
        Assert.Equal(new FilterValue.Bool(value), Assert.Single(condition.Values));
    }

    [Fact]
    public void Each_field_gets_its_typed_value()
    {
        Assert.Equal(new FilterValue.Bool(true), Value("""{"field": "success", "op": "eq", "value": true}"""));
        Assert.Equal(new FilterValue.Bool(false), Value("""{"field": "is_reviewed", "op": "eq", "value": "false"}"""));
        Assert.Equal(new FilterValue.Text("reviewed_failure"), Value("""{"field": "status", "op": "eq", "value": "reviewed_failure"}"""));
        Assert.Equal(new FilterValue.Real(30), Value("""{"field": "duration", "op": "gt", "value": "30"}"""));
        Assert.Equal(new FilterValue.Text("+1555"), Value("""{"field": "customer_number", "op": "eq", "value": "+1555"}"""));
        Assert.Equal(new FilterValue.Text("greeting"), Value("""{"field": "dropoff_point", "op": "eq", "value": "greeting"}"""));
        Assert.Equal(new FilterValue.Integer(12), Value("""{"field": "agent_id", "op": "eq", "value": 12}"""));
        Assert.Equal(new FilterValue.Integer(12), Value("""{"field": "agent_id", "op": "eq", "value": "12"}"""));
        Assert.Equal(new FilterValue.Time(new DateTimeOffset(2024, 3, 15, 10, 15, 45, TimeSpan.Zero)),
            Value("""{"field": "timestamp", "op": "gte", "value": "2024-03-15T12:15:45+02:00"}"""));
    }

    [Fact]
    public void Metadata_values_keep_their_json_type()
    {
        var text = Condition("""{"field": "metadata.customer_id", "op": "eq", "value": "123"}""");

        Assert.Equal(FilterField.Metadata, text.Field);
        Assert.Equal("customer_id", text.MetadataKey);
        Assert.Equal(new FilterValue.Text("123"), Assert.Single(text.Values));
        Assert.Equal(new FilterValue.Integer(123), Value("""{"field": "metadata.customer_id", "op": "eq", "value": 123}"""));
        Assert.Equal(new FilterValue.Integer(9007199254740993), Value("""{"field": "metadata.big", "op": "gt", "value": 9007199254740993}"""));
        Assert.Equal(new FilterValue.Real(0.5), Value("""{"field": "metadata.ratio", "op": "lte", "value": 0.5}"""));
        Assert.Equal(new FilterValue.Bool(true), Value("""{"field": "metadata.vip", "op": "neq", "value": true}"""));
        Assert.Equal("a.b", Condition("""{"field": "metadata.a.b", "op": "isnull", "value": false}""").MetadataKey);
        Assert.Equal([new FilterValue.Integer(3), new FilterValue.Text("3"), new FilterValue.Bool(true)],
            Condition("""{"field": "metadata.visits", "op": "in", "value": [3, "3", true]}""").Values);
    }

    [Fact]
    public void Groups_nest_and_keep_their_order()
    {
        var parsed = Parse("""
            {"operator": "and", "conditions": [
              {"field": "success", "op": "eq", "value": false},
              {"operator": "OR", "conditions": [
                {"field": "duration", "op": "gt", "value": 300},
                {"field": "metadata.tier", "op": "eq", "value": "gold"}]}]}
            """);

        var group = Assert.IsType<FilterGroup>(parsed.Filter);
        Assert.Equal(FilterJoin.And, group.Join);
        Assert.Equal(2, group.Conditions.Count);
        Assert.Equal(FilterField.Success, Assert.IsType<FilterCondition>(group.Conditions[0]).Field);
        var inner = Assert.IsType<FilterGroup>(group.Conditions[1]);
        Assert.Equal(FilterJoin.Or, inner.Join);
        Assert.Equal([FilterField.Duration, FilterField.Metadata], inner.Conditions.Cast<FilterCondition>().Select(c => c.Field));
    }

    [Fact]
    public void Groups_may_nest_five_deep_but_not_six()
    {
        Assert.Empty(Parse(Nested(5)).Problems);

        Assert.Equal(["conditions[0].conditions[0].conditions[0].conditions[0].conditions[0]: groups may be nested at most 5 deep."],
            Parse(Nested(6)).Problems);
    }

    [Fact]
    public void At_most_fifty_conditions()
    {
        string Many(int n) => $$"""{"operator": "or", "conditions": [{{string.Join(",", Enumerable.Repeat("""{"field": "success", "op": "eq", "value": true}""", n))}}]}""";

        Assert.Empty(Parse(Many(50)).Problems);
        Assert.Equal(["At most 50 conditions in all."], Parse(Many(51)).Problems);
    }

    [Theory]
    [InlineData("not json", "Must be valid JSON: ")]
    [InlineData("[]", "Expected a condition {\"field\", \"op\", \"value\"} or a group {\"operator\", \"conditions\"}, but got list.")]
    [InlineData("""{"field": "colour", "op": "eq", "value": "red"}""",
        "field: unknown field 'colour'; filterable fields: success, status, duration, customer_number, call_ended_reason, topic, dropoff_point, timestamp, is_reviewed, agent_id, metadata.<key>.")]
    [InlineData("""{"field": "metadata.", "op": "eq", "value": "x"}""", "field: 'metadata.' needs a key, e.g. metadata.customer_id.")]
    [InlineData("""{"field": 3, "op": "eq", "value": "x"}""", "field: expected a field name, but got number.")]
    [InlineData("""{"op": "eq", "value": true}""", "field: required.")]
    [InlineData("""{"field": "success", "value": true}""", "op: required.")]
    [InlineData("""{"field": "success", "op": "eq"}""", "value: required.")]
    [InlineData("""{"field": "success", "op": "like", "value": true}""",
        "op: unknown op 'like'; use eq, neq, gt, gte, lt, lte, contains, startswith, in, isnull.")]
    [InlineData("""{"field": "success", "op": "gt", "value": true}""", "op: 'gt' does not apply to success (true or false); use eq, neq, in, isnull.")]
    [InlineData("""{"field": "topic", "op": "lt", "value": "b"}""",
        "op: 'lt' does not apply to topic (a string); use eq, neq, contains, startswith, in, isnull.")]
    [InlineData("""{"field": "duration", "op": "contains", "value": "3"}""",
        "op: 'contains' does not apply to duration (a number of seconds); use eq, neq, gt, gte, lt, lte, in, isnull.")]
    [InlineData("""{"field": "agent_id", "op": "isnull", "value": true}""", "op: 'isnull' does not apply to agent_id (a positive integer id); use eq, neq, in.")]
    [InlineData("""{"field": "success", "op": "eq", "value": "yes"}""", "value: success takes true or false, but got str.")]
    [InlineData("""{"field": "duration", "op": "gt", "value": "long"}""", "value: duration takes a number of seconds, but got str.")]
    [InlineData("""{"field": "customer_number", "op": "eq", "value": 5551234}""", "value: customer_number takes a string, but got number.")]
    [InlineData("""{"field": "agent_id", "op": "eq", "value": -1}""", "value: agent_id takes a positive integer id, but got number.")]
    [InlineData("""{"field": "status", "op": "eq", "value": "done"}""", "value: 'done' is not a status; use success, failure, reviewed_success, reviewed_failure.")]
    [InlineData("""{"field": "timestamp", "op": "gt", "value": "yesterday"}""", "value: 'yesterday' is not an ISO 8601 date-time, e.g. 2024-03-15T10:15:45Z.")]
    [InlineData("""{"field": "timestamp", "op": "gt", "value": 1700000000}""", "value: number is not an ISO 8601 date-time, e.g. 2024-03-15T10:15:45Z.")]
    [InlineData("""{"field": "topic", "op": "contains", "value": ""}""", "value: contains needs a non-empty string.")]
    [InlineData("""{"field": "topic", "op": "eq", "value": "\uD800"}""", "Must be valid JSON: Cannot read incomplete UTF-16 JSON text")]
    [InlineData("""{"field": "success", "op": "isnull", "value": "true"}""", "value: isnull takes true or false, but got str.")]
    [InlineData("""{"field": "topic", "op": "in", "value": "sales"}""", "value: in takes a list of values, but got str.")]
    [InlineData("""{"field": "topic", "op": "in", "value": []}""", "value: in needs at least one value.")]
    [InlineData("""{"field": "topic", "op": "in", "value": ["sales", 3]}""", "value[1]: topic takes a string, but got number.")]
    [InlineData("""{"field": "metadata.tier", "op": "contains", "value": 3}""", "value: contains on metadata takes a string, but got number.")]
    [InlineData("""{"field": "metadata.tier", "op": "gt", "value": true}""", "value: gt on metadata takes a string or a number, but got bool.")]
    [InlineData("""{"field": "metadata.tier", "op": "eq", "value": null}""", "value: eq on metadata takes a string, a number or a boolean, but got null.")]
    [InlineData("""{"field": "metadata.tier", "op": "eq", "value": {"a": 1}}""", "value: eq on metadata takes a string, a number or a boolean, but got dict.")]
    [InlineData("""{"field": "success", "op": "eq", "value": true, "negate": true}""", "Unexpected key 'negate'.")]
    [InlineData("""{"operator": "and", "conditions": [], "field": "success"}""",
        "A condition has field, op and value; a group has operator and conditions; this object mixes both.")]
    [InlineData("""{"operator": "xor", "conditions": [{"field": "success", "op": "eq", "value": true}]}""", "operator: 'xor' is not \"and\" or \"or\".")]
    [InlineData("""{"conditions": [{"field": "success", "op": "eq", "value": true}]}""", "operator: required: \"and\" or \"or\".")]
    [InlineData("""{"operator": "and"}""", "conditions: required: a list of conditions.")]
    [InlineData("""{"operator": "and", "conditions": {"field": "success"}}""", "conditions: expected a list of conditions, but got dict.")]
    [InlineData("""{"operator": "and", "conditions": []}""", "conditions: may not be empty.")]
    [InlineData("""{"operator": "and", "conditions": [{"field": "success", "op": "eq", "value": true}, {"field": "x", "op": "eq", "value": 1}]}""",
        "conditions[1].field: unknown field 'x'; filterable fields: success, status, duration, customer_number, call_ended_reason, topic, dropoff_point, timestamp, is_reviewed, agent_id, metadata.<key>.")]
    [InlineData("""{"operator": "or", "conditions": [{"operator": "and", "conditions": [{"field": "duration", "op": "gt", "value": "x"}]}]}""",
        "conditions[0].conditions[0].value: duration takes a number of seconds, but got str.")]
    public void A_bad_filter_is_refused_with_a_message_naming_where_and_why(string json, string expected)
    {
        var parsed = Parse(json);

        Assert.Null(parsed.Filter);
        var problem = Assert.Single(parsed.Problems);
        Assert.StartsWith(expected, problem);
        if (!expected.StartsWith("Must be valid JSON", StringComparison.Ordinal))
        {
            Assert.Equal(expected, problem);
        }
    }

    [Fact]
    public void Every_problem_is_reported_up_to_a_cap()
    {
        var parsed = Parse("""
            {"operator": "and", "conditions": [
              {"field": "x", "op": "eq", "value": 1},
              {"field": "success", "op": "gt", "value": true},
              {"field": "duration", "op": "eq", "value": "long"}]}
            """);
        Assert.Equal(3, parsed.Problems.Count);
        Assert.StartsWith("conditions[0].field: ", parsed.Problems[0]);
        Assert.StartsWith("conditions[1].op: ", parsed.Problems[1]);
        Assert.StartsWith("conditions[2].value: ", parsed.Problems[2]);

        var many = Parse($$"""{"operator": "or", "conditions": [{{string.Join(",", Enumerable.Repeat("""{"field": "x", "op": "eq", "value": 1}""", 30))}}]}""");
        Assert.Equal(CallFilterParser.MaxProblems, many.Problems.Count);
    }

    [Fact]
    public void Caps_on_length_in_values_and_text()
    {
        Assert.Equal([$"Must be at most {CallFilterParser.MaxLength} characters."], Parse(new string(' ', CallFilterParser.MaxLength + 1)).Problems);
        var values = string.Join(",", Enumerable.Range(1, 101));
        Assert.Equal(["value: in takes at most 100 values."], Parse($$"""{"field": "agent_id", "op": "in", "value": [{{values}}]}""").Problems);
        Assert.Equal(["value: at most 1000 characters."], Parse($$"""{"field": "topic", "op": "eq", "value": "{{new string('a', 1001)}}"}""").Problems);
        Assert.Equal(["field: a metadata key may be at most 200 characters."],
            Parse($$"""{"field": "metadata.{{new string('k', 201)}}", "op": "eq", "value": 1}""").Problems);
    }

    private static CallFilterParse Parse(string json) => CallFilterParser.Parse(json);

    private static FilterCondition Condition(string json)
    {
        var parsed = Parse(json);
        Assert.Empty(parsed.Problems);
        return Assert.IsType<FilterCondition>(parsed.Filter);
    }

    private static FilterValue Value(string json) => Assert.Single(Condition(json).Values);

    private static string Nested(int depth) => depth == 0
        ? """{"field": "success", "op": "eq", "value": true}"""
        : $$"""{"operator": "and", "conditions": [{{Nested(depth - 1)}}]}""";
}
