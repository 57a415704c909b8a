using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

public sealed class CustomCodeDataTests
{
    [Fact]
    public void Data_json_has_the_api_field_names_in_snake_case()
    {
        using var document = JsonDocument.Parse(SampleCall.Json);
        var root = document.RootElement;

        Assert.Equal(
            ["transcript", "transcript_json", "call_duration", "call_end_reason", "agent_description", "metadata",
             "dynamic_variables", "timestamp", "recording_data", "metrics"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["role", "content", "start_time", "end_time"], root.GetProperty("transcript_json")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("book", root.GetProperty("transcript_json")[2].GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(10, root.GetProperty("call_duration").GetDouble());
        Assert.Equal("customer-ended-call", root.GetProperty("call_end_reason").GetString());
        Assert.Equal("gold", root.GetProperty("metadata").GetProperty("tier").GetString());
        Assert.Equal("Jane", root.GetProperty("dynamic_variables").GetProperty("customer_name").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 10, 30, 0, TimeSpan.Zero), root.GetProperty("timestamp").GetDateTimeOffset());
        var recording = root.GetProperty("recording_data");
        Assert.Equal(5, recording.GetProperty("main_speaking")[1].GetProperty("start").GetDouble());
        Assert.Equal(2, recording.GetProperty("channel_speaking").GetArrayLength());
        Assert.True(recording.GetProperty("separable_channels").GetBoolean());
    }

    [Fact]
    public void Earlier_metrics_carry_only_id_name_type_score_enum_and_value()
    {
        using var document = JsonDocument.Parse(SampleCall.Json);
        var metrics = document.RootElement.GetProperty("metrics");

        Assert.Equal(["id", "name", "type", "score", "enum", "value"], metrics[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(750, metrics[0].GetProperty("score").GetDouble());
        Assert.Equal("customer_ended", metrics[1].GetProperty("enum").GetString());
        Assert.Equal(JsonValueKind.Null, metrics[1].GetProperty("score").ValueKind);
    }

    [Fact]
    public void Missing_metadata_and_dynamic_variables_become_empty_objects_and_missing_recording_null()
    {
        using var document = JsonDocument.Parse(new CustomCodeData { Transcript = "" }.ToJson());
        var root = document.RootElement;

        Assert.Equal(JsonValueKind.Object, root.GetProperty("metadata").ValueKind);
        Assert.Empty(root.GetProperty("metadata").EnumerateObject());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("dynamic_variables").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("recording_data").ValueKind);
        Assert.Equal(0, root.GetProperty("transcript_json").GetArrayLength());
    }

    [Fact]
    public void From_call_takes_the_stored_fields()
    {
        var call = new CallLog
        {
            OrganizationId = 1, ProjectId = 2, CallId = "c-1", AgentId = 3, TranscriptType = "cekura",
            Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            TranscriptObject = SampleCall.Data.TranscriptJson, DurationSeconds = 42, CallEndedReason = "agent-ended-call",
            Metadata = JsonDocument.Parse("""{"a": 1}""").RootElement, RecordingData = SampleCall.Data.RecordingData,
        };

        var data = CustomCodeData.FromCall(call, "the text", "an agent", SampleCall.Data.Metrics);

        Assert.Equal("the text", data.Transcript);
        Assert.Same(call.TranscriptObject, data.TranscriptJson);
        Assert.Equal(42, data.CallDuration);
        Assert.Equal("agent-ended-call", data.CallEndReason);
        Assert.Equal("an agent", data.AgentDescription);
        Assert.Equal(1, data.Metadata!.Value.GetProperty("a").GetInt32());
        Assert.Null(data.DynamicVariables);
        Assert.Equal(call.Timestamp, data.Timestamp);
        Assert.Same(call.RecordingData, data.RecordingData);
        Assert.Same(SampleCall.Data.Metrics, data.Metrics);
    }
}
