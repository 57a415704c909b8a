using System.Text.Json;
using Cekura.Contracts.Calls;

namespace Cekura.Contracts.Tests.Calls;

public sealed class CallLogJsonTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static CallLog FullCallLog() => new()
    {
        Id = 12,
        OrganizationId = 1,
        ProjectId = 3,
        CallId = "call_abc123xyz",
        TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        AgentId = 2421,
        AgentName = "Booking agent",
        CallEndedReason = "customer-ended-call",
        CustomerNumber = "+1234567890",
        Feedback = "Great call",
        Timestamp = new DateTimeOffset(2024, 3, 15, 10, 15, 45, TimeSpan.Zero),
        TranscriptType = "cekura",
        TranscriptObject =
        [
            new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = "Hello.", StartTime = 1.4399999, EndTime = 1.9399999 },
            new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCall, Content = "", StartTime = 2, EndTime = 2,
                Data = new FunctionCallData { Id = "c1", Name = "book", Arguments = """{"time":"18:00"}""" },
            },
            new TranscriptEntry
            {
                Role = TranscriptRoles.FunctionCallResult, Content = "",
                Data = new FunctionCallData { Id = "c1", Name = "book", Result = "booked" },
            },
            new TranscriptEntry { Role = TranscriptRoles.MainAgent, Content = "6 PM.", StartTime = 17.609999, EndTime = 18.269999 },
        ],
        Recording = new CallRecording { BlobKey = "recordings/3/12.wav", ContentType = "audio/wav", Format = "wav", SizeBytes = 123456 },
        SourceRecordingUrl = "https://storage.example.com/recordings/call_123.mp3",
        Metadata = Json("""{"customer_id":"123","nested":{"a":[1,2,null]},"Mixed_Case":true}"""),
        DynamicVariables = Json("""{"subscription_id":"SUB-12345"}"""),
        RedactFields = ["phone_number", "credit_card"],
        MetricIds = [1, 3],
        MainAgentChannelIndex = 1,
        Stage = CallStage.Evaluated,
        StageChangedAt = new DateTimeOffset(2024, 3, 15, 10, 30, 0, 123, TimeSpan.Zero),
        OutboxPublishedAt = new DateTimeOffset(2024, 3, 15, 10, 30, 1, TimeSpan.Zero),
        DurationSeconds = 18.269999,
        Success = true,
        Status = "success",
        IsReviewed = true,
        Metrics =
        [
            new MetricResult
            {
                Id = 1, Name = "Latency", Type = "numeric", Score = 750, Value = Json("750"),
                Explanation = ["Mean 750 ms over 2 agent replies; P50 750 ms, P90 950 ms."],
                Extra = new Dictionary<string, JsonElement> { ["p50_ms"] = Json("750"), ["p90_ms"] = Json("950.5") },
            },
            new MetricResult { Id = 7, Name = "Mood", Type = "enum", Enum = "happy", Value = Json("\"happy\"") },
        ],
        Topic = "product_inquiry",
        DropoffPoint = "end of conversation as no queries remaining",
        ErrorMessage = null,
        CreatedAt = new DateTimeOffset(2024, 3, 15, 10, 30, 45, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2024, 3, 15, 10, 35, 11, TimeSpan.FromHours(2)),
        Version = 5,
    };

    [Fact]
    public void Full_call_log_round_trips_through_cekura_json()
    {
        var original = FullCallLog();
        var json = JsonSerializer.Serialize(original, CekuraJson.Options);

        var back = JsonSerializer.Deserialize<CallLog>(json, CekuraJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, CekuraJson.Options));
        // Records compare lists and JSON values by reference, so the scalar part is compared with them blanked out.
        Assert.Equal(Scalars(original), Scalars(back));
        Assert.Equal(original.TranscriptObject, back.TranscriptObject);
        Assert.Equal(original.RedactFields, back.RedactFields);
        Assert.Equal(original.MetricIds, back.MetricIds);
        Assert.Equal(original.Recording, back.Recording);
        Assert.Equal(original.UpdatedAt, back.UpdatedAt);
        Assert.Equal(original.UpdatedAt.Offset, back.UpdatedAt.Offset);
        Assert.Equal("SUB-12345", back.DynamicVariables!.Value.GetProperty("subscription_id").GetString());
        Assert.Equal(950.5, back.Metrics[0].Extra["p90_ms"].GetDouble());
        Assert.Equal("happy", back.Metrics[1].Enum);
    }

    private static CallLog Scalars(CallLog log) => log with
    {
        TranscriptObject = [], RedactFields = [], MetricIds = [], Metrics = [], Metadata = null, DynamicVariables = null,
    };

    [Fact]
    public void Call_log_json_uses_snake_case_and_string_enums()
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(FullCallLog(), CekuraJson.Options));
        var root = document.RootElement;

        Assert.Equal("call_abc123xyz", root.GetProperty("call_id").GetString());
        Assert.Equal("evaluated", root.GetProperty("stage").GetString());
        Assert.Equal(2421, root.GetProperty("agent_id").GetInt64());
        Assert.Equal(1, root.GetProperty("main_agent_channel_index").GetInt32());
        Assert.Equal("2024-03-15T10:15:45+00:00", root.GetProperty("timestamp").GetString());
        // Free-form objects keep the client's own key spelling.
        Assert.True(root.GetProperty("metadata").TryGetProperty("Mixed_Case", out _));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error_message").ValueKind);
    }

    [Fact]
    public void Transcript_entries_have_the_transcript_object_shape()
    {
        var entries = FullCallLog().TranscriptObject;

        Assert.Equal("""{"role":"Testing Agent","content":"Hello.","start_time":1.4399999,"end_time":1.9399999}""",
            JsonSerializer.Serialize(entries[0], CekuraJson.Options));
        Assert.Equal("""{"role":"Function Call","content":"","start_time":2,"end_time":2,"data":{"id":"c1","name":"book","arguments":"{\u0022time\u0022:\u002218:00\u0022}"}}""",
            JsonSerializer.Serialize(entries[1], CekuraJson.Options));
        Assert.Equal("""{"role":"Function Call Result","content":"","start_time":null,"end_time":null,"data":{"id":"c1","name":"book","result":"booked"}}""",
            JsonSerializer.Serialize(entries[2], CekuraJson.Options));
    }

    [Fact]
    public void Function_result_error_flag_is_written_as_is_error_and_omitted_when_unknown()
    {
        var failed = new FunctionCallData { Id = "c1", Name = "book", Result = "down", IsError = true };

        Assert.Equal("""{"id":"c1","name":"book","result":"down","is_error":true}""", JsonSerializer.Serialize(failed, CekuraJson.Options));
        Assert.True(JsonSerializer.Deserialize<FunctionCallData>("""{"id":"c1","name":"book","is_error":true}""", CekuraJson.Options)!.IsError);
        Assert.DoesNotContain("is_error", JsonSerializer.Serialize(failed with { IsError = null }, CekuraJson.Options));
    }

    [Fact]
    public void Minimal_call_log_reads_with_defaults()
    {
        var log = JsonSerializer.Deserialize<CallLog>(
            """{"organization_id":1,"project_id":3,"call_id":"c","agent_id":2,"timestamp":"2024-03-15T10:15:45Z","transcript_type":"cekura"}""",
            CekuraJson.Options)!;

        Assert.Empty(log.TranscriptObject);
        Assert.Empty(log.RedactFields);
        Assert.Empty(log.Metrics);
        Assert.Equal(CallStage.Received, log.Stage);
        Assert.Null(log.Success);
    }
}
