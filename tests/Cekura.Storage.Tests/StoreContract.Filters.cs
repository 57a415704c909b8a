using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>
/// The list filters (<c>filters_v2</c>), which each store translates on its own: one seed of calls that differ in
/// every filterable field, and the exact set each filter must select from it.
/// </summary>
public abstract partial class StoreContract
{
    /// <summary>Each case: a filter and the call_ids it selects from <see cref="SeedFilterCallsAsync"/>.</summary>
    protected static readonly Dictionary<string, (CallFilter Filter, string[] Expected)> FilterCases = new()
    {
        ["success eq true"] = (C(FilterField.Success, FilterOp.Eq, B(true)), ["c1", "c5"]),
        ["success eq false"] = (C(FilterField.Success, FilterOp.Eq, B(false)), ["c2", "c4"]),
        ["success neq true counts null as not equal"] = (C(FilterField.Success, FilterOp.Neq, B(true)), ["c2", "c3", "c4"]),
        ["success in [false]"] = (C(FilterField.Success, FilterOp.In, B(false)), ["c2", "c4"]),
        ["success isnull"] = (C(FilterField.Success, FilterOp.IsNull, B(true)), ["c3"]),
        ["success isnull false"] = (C(FilterField.Success, FilterOp.IsNull, B(false)), ["c1", "c2", "c4", "c5"]),
        ["status eq"] = (C(FilterField.Status, FilterOp.Eq, T("failure")), ["c2"]),
        ["status neq"] = (C(FilterField.Status, FilterOp.Neq, T("success")), ["c2", "c3", "c4", "c5"]),
        ["status in"] = (C(FilterField.Status, FilterOp.In, T("reviewed_success"), T("reviewed_failure")), ["c4", "c5"]),
        ["duration eq"] = (C(FilterField.Duration, FilterOp.Eq, R(0)), ["c5"]),
        ["duration neq"] = (C(FilterField.Duration, FilterOp.Neq, R(30)), ["c2", "c3", "c4", "c5"]),
        ["duration gt"] = (C(FilterField.Duration, FilterOp.Gt, R(30)), ["c2", "c4"]),
        ["duration gte"] = (C(FilterField.Duration, FilterOp.Gte, R(30)), ["c1", "c2", "c4"]),
        ["duration lt"] = (C(FilterField.Duration, FilterOp.Lt, R(30)), ["c5"]),
        ["duration lte a fraction"] = (C(FilterField.Duration, FilterOp.Lte, R(125.5)), ["c1", "c2", "c5"]),
        ["duration range"] = (And(C(FilterField.Duration, FilterOp.Gte, R(30)), C(FilterField.Duration, FilterOp.Lt, R(600))), ["c1", "c2"]),
        ["duration in"] = (C(FilterField.Duration, FilterOp.In, R(0), R(600)), ["c4", "c5"]),
        ["duration isnull"] = (C(FilterField.Duration, FilterOp.IsNull, B(true)), ["c3"]),
        ["customer_number eq"] = (C(FilterField.CustomerNumber, FilterOp.Eq, T("+15550001")), ["c1", "c5"]),
        ["customer_number startswith"] = (C(FilterField.CustomerNumber, FilterOp.StartsWith, T("+1555")), ["c1", "c2", "c5"]),
        ["customer_number contains"] = (C(FilterField.CustomerNumber, FilterOp.Contains, T("7946")), ["c4"]),
        ["customer_number contains a LIKE wildcard literally"] = (C(FilterField.CustomerNumber, FilterOp.Contains, T("%")), []),
        ["customer_number startswith a regex character literally"] = (C(FilterField.CustomerNumber, FilterOp.StartsWith, T("+")), ["c1", "c2", "c4", "c5"]),
        ["customer_number isnull"] = (C(FilterField.CustomerNumber, FilterOp.IsNull, B(true)), ["c3"]),
        ["call_ended_reason in"] = (C(FilterField.CallEndedReason, FilterOp.In, T("customer-ended-call"), T("silence-timed-out")), ["c1", "c4", "c5"]),
        ["call_ended_reason neq"] = (C(FilterField.CallEndedReason, FilterOp.Neq, T("customer-ended-call")), ["c2", "c3", "c5"]),
        ["topic startswith is case-sensitive"] = (C(FilterField.Topic, FilterOp.StartsWith, T("billing")), ["c1", "c2"]),
        ["topic startswith the whole value"] = (C(FilterField.Topic, FilterOp.StartsWith, T("sales")), ["c5"]),
        ["topic startswith past the last code point"] = (C(FilterField.Topic, FilterOp.StartsWith, T("caf\U0010FFFF")), ["c3"]),
        ["topic contains"] = (C(FilterField.Topic, FilterOp.Contains, T("ill")), ["c1", "c2", "c4"]),
        ["topic eq is case-sensitive"] = (C(FilterField.Topic, FilterOp.Eq, T("Billing")), ["c4"]),
        ["dropoff_point eq"] = (C(FilterField.DropoffPoint, FilterOp.Eq, T("payment")), ["c2"]),
        ["dropoff_point isnull false"] = (C(FilterField.DropoffPoint, FilterOp.IsNull, B(false)), ["c2", "c4"]),
        ["timestamp eq"] = (C(FilterField.Timestamp, FilterOp.Eq, At(Time.AddHours(-1))), ["c2"]),
        ["timestamp gte"] = (C(FilterField.Timestamp, FilterOp.Gte, At(Time.AddHours(-2))), ["c1", "c2", "c3"]),
        ["timestamp lt"] = (C(FilterField.Timestamp, FilterOp.Lt, At(Time.AddHours(-2))), ["c4", "c5"]),
        ["is_reviewed eq true"] = (C(FilterField.IsReviewed, FilterOp.Eq, B(true)), ["c4", "c5"]),
        ["is_reviewed neq true"] = (C(FilterField.IsReviewed, FilterOp.Neq, B(true)), ["c1", "c2", "c3"]),
        ["agent_id eq"] = (C(FilterField.AgentId, FilterOp.Eq, I(7)), ["c1", "c3", "c5"]),
        ["agent_id neq"] = (C(FilterField.AgentId, FilterOp.Neq, I(7)), ["c2", "c4"]),
        ["agent_id in"] = (C(FilterField.AgentId, FilterOp.In, I(8), I(9)), ["c2", "c4"]),
        ["metadata string eq"] = (M("tier", FilterOp.Eq, T("gold")), ["c1", "c5"]),
        ["metadata string eq does not match a number"] = (M("visits", FilterOp.Eq, T("3")), ["c4"]),
        ["metadata number eq does not match a string"] = (M("tier", FilterOp.Eq, I(30)), []),
        ["metadata number eq"] = (M("visits", FilterOp.Eq, I(3)), ["c1"]),
        ["metadata fraction eq"] = (M("score", FilterOp.Eq, R(2.5)), ["c1"]),
        ["metadata gt compares numbers only"] = (M("visits", FilterOp.Gt, I(5)), ["c2", "c5"]),
        ["metadata gte"] = (M("visits", FilterOp.Gte, I(3)), ["c1", "c2", "c5"]),
        ["metadata lt"] = (M("visits", FilterOp.Lt, I(10)), ["c1"]),
        ["metadata lte a fraction"] = (M("score", FilterOp.Lte, R(2.5)), ["c1"]),
        ["metadata gt on strings"] = (M("date", FilterOp.Gt, T("2024-05-15")), ["c5"]),
        ["metadata bool eq true"] = (M("vip", FilterOp.Eq, B(true)), ["c1"]),
        ["metadata bool eq false"] = (M("vip", FilterOp.Eq, B(false)), ["c2"]),
        ["metadata bool is not the number 1"] = (M("one", FilterOp.Eq, B(true)), []),
        ["metadata neq counts a missing key as not equal"] = (M("tier", FilterOp.Neq, T("gold")), ["c2", "c3", "c4"]),
        ["metadata bool neq"] = (M("vip", FilterOp.Neq, B(true)), ["c2", "c3", "c4", "c5"]),
        ["metadata in"] = (M("tier", FilterOp.In, T("gold"), T("silver")), ["c1", "c2", "c5"]),
        ["metadata in of mixed types"] = (M("visits", FilterOp.In, I(3), T("3"), B(true)), ["c1", "c4"]),
        ["metadata startswith"] = (M("tier", FilterOp.StartsWith, T("go")), ["c1", "c5"]),
        ["metadata contains"] = (M("tier", FilterOp.Contains, T("ilv")), ["c2"]),
        ["metadata isnull: null or missing"] = (M("note", FilterOp.IsNull, B(true)), ["c1", "c2", "c3", "c4", "c5"]),
        ["metadata isnull false: present and not null"] = (M("tier", FilterOp.IsNull, B(false)), ["c1", "c2", "c4", "c5"]),
        ["metadata nested object is present"] = (M("nested", FilterOp.IsNull, B(false)), ["c1"]),
        ["metadata nested object equals no scalar"] = (M("nested", FilterOp.Eq, I(1)), []),
        ["metadata key with a dot is one key"] = (M("CamelCase.key", FilterOp.Eq, T("kept")), ["c5"]),
        ["metadata unknown key"] = (M("missing", FilterOp.Eq, T("gold")), []),
        ["or"] = (Or(C(FilterField.Topic, FilterOp.Eq, T("sales")), M("tier", FilterOp.Eq, T("silver"))), ["c2", "c5"]),
        ["and of or"] = (And(C(FilterField.Success, FilterOp.Eq, B(false)),
            Or(C(FilterField.Duration, FilterOp.Gt, R(500)), M("tier", FilterOp.Eq, T("silver")))), ["c2", "c4"]),
        ["and: the driving condition with a look-up of every kind"] = (And(C(FilterField.AgentId, FilterOp.Eq, I(7)),
            C(FilterField.Success, FilterOp.Neq, B(false)), C(FilterField.Status, FilterOp.IsNull, B(false)),
            C(FilterField.CustomerNumber, FilterOp.In, T("+15550001"), T("+0")), C(FilterField.Topic, FilterOp.IsNull, B(false))), ["c1", "c5"]),
        ["and: the driving condition with a range and a time condition"] = (And(C(FilterField.CallEndedReason, FilterOp.Eq, T("customer-ended-call")),
            C(FilterField.Duration, FilterOp.Gte, R(30)), C(FilterField.Timestamp, FilterOp.Lt, At(Time.AddHours(-2)))), ["c4"]),
        ["and: isnull drives, neq looks up"] = (And(C(FilterField.DropoffPoint, FilterOp.IsNull, B(true)), C(FilterField.Topic, FilterOp.Neq, T("billing"))),
            ["c3", "c5"]),
        ["or of ands"] = (Or(And(C(FilterField.AgentId, FilterOp.Eq, I(8)), C(FilterField.Success, FilterOp.Eq, B(false))),
            And(C(FilterField.AgentId, FilterOp.Eq, I(7)), C(FilterField.IsReviewed, FilterOp.Eq, B(true)))), ["c2", "c5"]),
        ["deep nesting"] = (Or(And(Or(And(Or(C(FilterField.AgentId, FilterOp.Eq, I(9)))))), M("visits", FilterOp.Eq, I(12))), ["c4", "c5"]),
    };

    public static TheoryData<string> FilterCaseNames() => [.. FilterCases.Keys];

    [SkippableTheory]
    [MemberData(nameof(FilterCaseNames))]
    public async Task List_filter_selects_exactly_the_matching_calls_of_the_project(string filterCase)
    {
        await SeedFilterCallsAsync();
        var (filter, expected) = FilterCases[filterCase];

        var page = await Calls.ListAsync(AllOf(1) with { Filter = filter }, Ct);

        Assert.Equal(expected, page.Items.Select(c => c.CallId));
        Assert.Equal(expected.Length, page.Count);
    }

    [SkippableFact]
    public async Task An_empty_id_list_matches_nothing_and_ids_combine_with_a_filter()
    {
        await SeedFilterCallsAsync();
        var all = await Calls.ListAsync(AllOf(1), Ct);
        var ids = all.Items.Select(c => c.Id).ToList();

        Assert.Equal(0, (await Calls.ListAsync(AllOf(1) with { Ids = [] }, Ct)).Count);
        var filtered = await Calls.ListAsync(AllOf(1) with
        {
            Ids = [ids[0], ids[1], ids[4]],
            Filter = Or(C(FilterField.Success, FilterOp.Eq, B(true)), M("tier", FilterOp.Eq, T("silver"))),
        }, Ct);
        Assert.Equal(["c1", "c2", "c5"], filtered.Items.Select(c => c.CallId));
    }

    [SkippableFact]
    public async Task Metadata_filters_follow_replace_and_delete()
    {
        var call = await Calls.InsertAsync(MinimalCall(callId: "m") with { Metadata = Json("""{"plan":"free","seats":1}""") }, Ct);
        var gold = M("plan", FilterOp.Eq, T("pro"));

        var changed = await Calls.ReplaceAsync(call with { Metadata = Json("""{"plan":"pro"}""") }, Ct);
        Assert.Equal(["m"], (await Calls.ListAsync(AllOf(1) with { Filter = gold }, Ct)).Items.Select(c => c.CallId));
        Assert.Equal(0, (await Calls.ListAsync(AllOf(1) with { Filter = M("plan", FilterOp.Eq, T("free")) }, Ct)).Count);
        Assert.Equal(0, (await Calls.ListAsync(AllOf(1) with { Filter = M("seats", FilterOp.IsNull, B(false)) }, Ct)).Count);

        await Calls.ReplaceAsync(changed! with { Metadata = null }, Ct);
        Assert.Equal(0, (await Calls.ListAsync(AllOf(1) with { Filter = gold }, Ct)).Count);

        await Calls.DeleteAsync(1, call.Id, Ct);
        var again = await Calls.InsertAsync(MinimalCall(callId: "n") with { Metadata = Json("""{"plan":"pro"}""") }, Ct);
        Assert.Equal([again.Id], (await Calls.ListAsync(AllOf(1) with { Filter = gold }, Ct)).Items.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task A_filter_pages_and_counts_like_an_unfiltered_list()
    {
        for (var i = 0; i < 7; i++)
        {
            await Calls.InsertAsync(MinimalCall(callId: $"p{i}", timestamp: Time.AddMinutes(i)) with
            {
                Metadata = Json($$"""{"even": {{(i % 2 == 0 ? "true" : "false")}}}"""),
            }, Ct);
        }
        var even = M("even", FilterOp.Eq, B(true));

        var first = await Calls.ListAsync(AllOf(1) with { Filter = even, PageSize = 3 }, Ct);
        var second = await Calls.ListAsync(AllOf(1) with { Filter = even, PageSize = 3, Page = 2 }, Ct);

        Assert.Equal(4, first.Count);
        Assert.Equal(["p6", "p4", "p2"], first.Items.Select(c => c.CallId));
        Assert.Equal(["p0"], second.Items.Select(c => c.CallId));
    }

    /// <summary>Five calls of project 1, newest first c1…c5, and a copy of c1 in project 2 that no filter may return.</summary>
    protected async Task SeedFilterCallsAsync()
    {
        CallLog Call(string id, int hoursAgo, long agentId) => MinimalCall(callId: id, timestamp: Time.AddHours(-hoursAgo), agentId: agentId);
        var c1 = Call("c1", 0, 7) with
        {
            Success = true, Status = "success", DurationSeconds = 30, CustomerNumber = "+15550001", CallEndedReason = "customer-ended-call",
            Topic = "billing",
            Metadata = Json("""{"tier":"gold","visits":3,"vip":true,"note":null,"nested":{"a":1},"score":2.5,"one":1}"""),
        };
        await Calls.InsertAsync(c1, Ct);
        await Calls.InsertAsync(Call("c2", 1, 8) with
        {
            Success = false, Status = "failure", DurationSeconds = 125.5, CustomerNumber = "+15550002", CallEndedReason = "agent-ended-call",
            Topic = "billing-refund", DropoffPoint = "payment", Metadata = Json("""{"tier":"silver","visits":10,"vip":false}"""),
        }, Ct);
        await Calls.InsertAsync(Call("c3", 2, 7) with { Topic = "caf\U0010FFFF\U0010FFFF" }, Ct);
        await Calls.InsertAsync(Call("c4", 3, 9) with
        {
            Success = false, Status = "reviewed_failure", IsReviewed = true, DurationSeconds = 600, CustomerNumber = "+44 20 7946",
            CallEndedReason = "customer-ended-call", Topic = "Billing", DropoffPoint = "greeting",
            Metadata = Json("""{"tier":"30","visits":"3","date":"2024-05-01"}"""),
        }, Ct);
        await Calls.InsertAsync(Call("c5", 4, 7) with
        {
            Success = true, Status = "reviewed_success", IsReviewed = true, DurationSeconds = 0, CustomerNumber = "+15550001",
            CallEndedReason = "silence-timed-out", Topic = "sales",
            Metadata = Json("""{"tier":"gold","visits":12,"date":"2024-06-15","CamelCase.key":"kept"}"""),
        }, Ct);
        await Calls.InsertAsync(c1 with { ProjectId = 2 }, Ct);
    }

    private static FilterCondition C(FilterField field, FilterOp op, params FilterValue[] values) => new(field, null, op, values);

    private static FilterCondition M(string key, FilterOp op, params FilterValue[] values) => new(FilterField.Metadata, key, op, values);

    private static FilterGroup And(params CallFilter[] conditions) => new(FilterJoin.And, conditions);

    private static FilterGroup Or(params CallFilter[] conditions) => new(FilterJoin.Or, conditions);

    private static FilterValue T(string value) => new FilterValue.Text(value);

    private static FilterValue I(long value) => new FilterValue.Integer(value);

    private static FilterValue R(double value) => new FilterValue.Real(value);

    private static FilterValue B(bool value) => new FilterValue.Bool(value);

    private static FilterValue At(DateTimeOffset value) => new FilterValue.Time(value);
}
