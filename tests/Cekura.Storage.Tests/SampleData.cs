using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Tenancy;

namespace Cekura.Storage.Tests;

internal static class SampleData
{
    /// <summary>Sub-millisecond ticks and a non-UTC offset, so a store that drops either is caught.</summary>
    public static readonly DateTimeOffset Time = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 123, TimeSpan.FromHours(2)).AddTicks(4567);

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>A call with every field set, numbers of every JSON flavour included.</summary>
    public static CallLog FullCall(long projectId = 1, string? callId = null) => new()
    {
        OrganizationId = 9,
        ProjectId = projectId,
        CallId = callId ?? $"call-{Guid.NewGuid():N}",
        TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        AgentId = 7,
        AgentName = "Support bot",
        CallEndedReason = "customer-ended-call",
        CustomerNumber = "+15551234567",
        Feedback = "Polite — but slow ✓",
        Timestamp = Time,
        TranscriptType = "vapi",
        TranscriptObject =
        [
            new() { Role = TranscriptRoles.MainAgent, Content = "Hello, how can I help?", StartTime = 0.25, EndTime = 1.875 },
            new() { Role = TranscriptRoles.TestingAgent, Content = "Table for two, \"please\"\n", StartTime = 2.1, EndTime = 4.333333333333333 },
            new()
            {
                Role = TranscriptRoles.FunctionCall, Content = "",
                Data = new FunctionCallData { Id = "call_abc", Name = "book_table", Arguments = """{"people":2,"time":"19:30"}""" },
            },
            new()
            {
                Role = TranscriptRoles.FunctionCallResult, Content = "ok",
                Data = new FunctionCallData { Id = "call_abc", Name = "book_table", Result = """{"confirmed":true}""" },
            },
            new() { Role = TranscriptRoles.MainAgent, Content = "Done." },
        ],
        Recording = new CallRecording { BlobKey = "recordings/1/abc.wav", ContentType = "audio/wav", Format = "wav", SizeBytes = 12_582_912 },
        SourceRecordingUrl = "https://recordings.example/abc.wav",
        Metadata = Json("""
            {"customer":{"tier":"gold","ltv":1234.5,"visits":42,"big":9007199254740993,"min":-9223372036854775808,
             "ratio":0.1,"tiny":1E-07,"huge":1.7976931348623157E+308,"whole_double":3.0,"tags":["a","b",1,null],
             "none":null,"ok":true,"CamelCase.key":"kept"}}
            """),
        DynamicVariables = Json("""{"name":"Ann","count":2}"""),
        RedactFields = ["credit_card", "phone_number"],
        MetricIds = [1, 2, 5_000_000_000],
        MainAgentChannelIndex = 1,
        Stage = CallStage.Evaluated,
        StageChangedAt = Time.AddSeconds(30),
        OutboxPublishedAt = Time.AddSeconds(31),
        DurationSeconds = 123.456,
        Success = true,
        Status = "success",
        IsReviewed = true,
        Metrics =
        [
            new()
            {
                Id = 1, Name = "Latency", Type = "numeric", Score = 0.75, Value = Json("812.5"), Explanation = ["p50 812.5 ms"],
                Extra = new Dictionary<string, JsonElement> { ["percentiles"] = Json("""{"p50":812.5,"p90":1400}"""), ["CamelKey"] = Json("\"as is\"") },
            },
            new() { Id = 2, Name = "Outcome", Type = "enum", Enum = "booked", Value = Json("\"booked\"") },
            new() { Id = 3, Name = "Silence", Type = "boolean", Value = Json("false") },
        ],
        Topic = "reservations",
        CreatedAt = Time.AddSeconds(1),
        UpdatedAt = Time.AddSeconds(40),
    };

    /// <summary>A call with only the required fields; every nullable stays null.</summary>
    public static CallLog MinimalCall(long projectId = 1, string? callId = null, DateTimeOffset? timestamp = null, long agentId = 7) => new()
    {
        OrganizationId = 9,
        ProjectId = projectId,
        CallId = callId ?? $"call-{Guid.NewGuid():N}",
        AgentId = agentId,
        Timestamp = timestamp ?? Time,
        TranscriptType = "vapi",
        StageChangedAt = timestamp ?? Time,
    };

    public static Agent Agent(long projectId = 1, string? assistantId = null, string name = "Support bot") => new()
    {
        OrganizationId = 9,
        ProjectId = projectId,
        AgentName = name,
        Description = "Books tables",
        AssistantId = assistantId,
        AssistantProvider = assistantId is null ? null : "vapi",
        RedactFields = ["credit_card"],
        MetricIds = [1001, 5_000_000_000],
        TopicNodes = [new("Booking", "Caller wants a table"), new("Hours ✓", "")],
        DropoffNodes = [new("Greeting", "Before the agent asks how it can help")],
        WebhookUrl = "https://hooks.example/cekura?x=1",
        WebhookSecret = "whsec_1",
        SilenceDurationSeconds = 7.5,
        InfraIssuesTimeoutSeconds = 12,
        CreatedAt = Time,
        UpdatedAt = Time.AddMinutes(1),
    };

    public static MetricDefinition Metric(long projectId = 1, string name = "Politeness") => new()
    {
        OrganizationId = 9,
        ProjectId = projectId,
        Name = name,
        Description = "Was the agent polite — \"always\"?",
        Type = MetricTypes.LlmJudge,
        EvalType = MetricEvalTypes.Enum,
        EnumValues = ["polite", "neutral", "rude"],
        Prompt = "Judge {{transcript}}",
        CustomCode = "_result = data.call_duration > 60;",
        Configuration = Json("""{"model":"gpt-4o","temperature":0.1,"big":9007199254740993,"nested":{"list":[1,"a",null]}}"""),
        CreatedAt = Time,
        UpdatedAt = Time.AddMinutes(1),
    };

    public static ApiKeyRecord ApiKey(string prefix, string hash, string name = "ci") => new()
    {
        OrganizationId = 9,
        ProjectId = 1,
        Name = name,
        Prefix = prefix,
        HashHex = hash,
        CreatedAt = Time,
    };

    /// <summary>Equal when both serialize to the same JSON, numbers compared by value (1.0 = 1, 1E-07 = 0.0000001).</summary>
    public static void AssertSameJson<T>(T expected, T actual)
    {
        var e = JsonSerializer.SerializeToElement(expected, CekuraJson.Options);
        var a = JsonSerializer.SerializeToElement(actual, CekuraJson.Options);
        Assert.True(JsonElement.DeepEquals(e, a), $"Stored and loaded differ.\nexpected: {e}\nactual:   {a}");
    }
}
