using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Vapi;
using static Cekura.Ingest.Tests.Providers.Vapi.VapiFixtures;

namespace Cekura.Ingest.Tests.Providers.Vapi;

public sealed class VapiTranscriptParserTests
{
    private static readonly VapiTranscriptParser Parser = new();

    private static IReadOnlyList<TranscriptEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.Parse(document.RootElement);
    }

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<TranscriptFormatException>(() => Parse(json)).Problems;

    /// <summary>A valid turn to stand before the entry under test, so the index in the message is meaningful.</summary>
    private const string Hello = """{"role": "user", "message": "Hello.", "time": 1760710083120, "endTime": 1760710083620, "secondsFromStart": 1.12}""";

    [Fact]
    public void Type_is_vapi() => Assert.Equal(["vapi"], Parser.Types);

    [Fact]
    public void End_of_call_report_maps_bot_and_user_turns_and_drops_the_system_prompt() =>
        AssertTranscript(NormalReportExpected, Parse(NormalReport));

    [Fact]
    public void Webhook_body_with_tool_calls_gives_function_entries_paired_by_id() =>
        AssertTranscript(WebhookWithToolCallsExpected, Parse(WebhookWithToolCalls));

    [Fact]
    public void Seed_short_form_reads_time_as_seconds_and_ends_each_turn_at_the_next_start_or_the_speaking_estimate() =>
        AssertTranscript(SeedShortFormExpected, Parse(SeedShortForm));

    [Fact]
    public void Legacy_top_level_messages_with_provider_quirks_are_accepted() =>
        AssertTranscript(LegacyMessagesWithQuirksExpected, Parse(LegacyMessagesWithQuirks));

    [Fact]
    public void Artifact_messages_array_alone_is_accepted()
    {
        using var document = JsonDocument.Parse(WebhookWithToolCalls);
        var messages = document.RootElement.GetProperty("message").GetProperty("artifact").GetProperty("messages").GetRawText();

        AssertTranscript(WebhookWithToolCallsExpected, Parse(messages));
    }

    [Fact]
    public void Report_without_envelope_reading_top_level_messages_is_accepted()
    {
        using var document = JsonDocument.Parse(LegacyMessagesWithQuirks);

        AssertTranscript(LegacyMessagesWithQuirksExpected, Parse(document.RootElement.GetProperty("message").GetRawText()));
    }

    [Fact]
    public void Artifact_messages_are_preferred_over_legacy_top_level_messages() =>
        Assert.Equal(["artifact"], Parse("""
            {"messages": [{"role": "bot", "message": "legacy", "secondsFromStart": 0}],
             "artifact": {"messages": [{"role": "bot", "message": "artifact", "secondsFromStart": 0}]}}
            """).Select(e => e.Content));

    [Fact]
    public void Empty_artifact_messages_fall_back_to_the_call_objects_messages() =>
        Assert.Equal(["from call"], Parse("""
            {"message": {"artifact": {"messages": []},
                         "call": {"messages": [{"role": "bot", "message": "from call", "secondsFromStart": 0}]}}}
            """).Select(e => e.Content));

    [Theory]
    [InlineData("bot", TranscriptRoles.MainAgent)]
    [InlineData("assistant", TranscriptRoles.MainAgent)]
    [InlineData("agent", TranscriptRoles.MainAgent)]
    [InlineData("Bot", TranscriptRoles.MainAgent)]
    [InlineData("user", TranscriptRoles.TestingAgent)]
    public void Speaker_roles_map_to_the_canonical_roles(string role, string expected) =>
        Assert.Equal(expected, Assert.Single(Parse($$"""[{"role": "{{role}}", "message": "Hi", "secondsFromStart": 0}]""")).Role);

    [Theory]
    [InlineData("system")]
    [InlineData("tool")]
    [InlineData("voicemail")]
    [InlineData("")]
    public void System_and_unknown_roles_are_skipped(string role) =>
        Assert.Equal(["Hello."], Parse($$"""[{{Hello}}, {"role": "{{role}}", "message": "x", "secondsFromStart": 2}]""").Select(e => e.Content));

    [Fact]
    public void Null_message_turn_is_skipped() =>
        Assert.Equal(["Hello."], Parse($$"""[{{Hello}}, {"role": "bot", "message": null, "secondsFromStart": 2}]""").Select(e => e.Content));

    [Fact]
    public void Empty_message_is_kept_as_an_empty_turn() =>
        Assert.Equal("", Assert.Single(Parse("""[{"role": "bot", "message": "", "secondsFromStart": 2}]""")).Content);

    [Fact]
    public void Start_is_seconds_from_start_even_when_started_at_is_later_than_the_first_message()
    {
        // Vapi's zero point (time − secondsFromStart·1000) is 1760710082000; startedAt is 410 ms later and is ignored.
        var entry = Assert.Single(Parse("""
            {"startedAt": "2025-10-17T14:08:02.410Z",
             "artifact": {"messages": [{"role": "bot", "message": "Hi", "time": 1760710082100, "endTime": 1760710082900, "secondsFromStart": 0.1}]}}
            """));

        Assert.Equal(0.1, entry.StartTime!.Value, 9);
        Assert.Equal(0.9, entry.EndTime!.Value, 9);
    }

    [Fact]
    public void Duration_is_read_as_milliseconds_when_end_time_is_missing()
    {
        var entry = Assert.Single(Parse("""[{"role": "user", "message": "Hi", "time": 1760710083000, "secondsFromStart": 2, "duration": 450}]"""));

        Assert.Equal(2.45, entry.EndTime!.Value, 9);
    }

    [Theory]
    [InlineData(""", "endTime": 1760714000000""")]
    [InlineData(""", "duration": 4000000""")]
    [InlineData(""", "duration": -5""")]
    public void Absurd_turn_length_leaves_the_turn_without_an_end(string extra)
    {
        var entry = Assert.Single(Parse($$"""[{"role": "user", "message": "Hi", "time": 1760710083000, "secondsFromStart": 2{{extra}}}]"""));

        Assert.Equal(2, entry.StartTime);
        Assert.Null(entry.EndTime);
    }

    [Fact]
    public void Turn_without_any_time_is_untimed_and_keeps_its_place()
    {
        var entries = Parse("""
            [{"role": "bot", "message": "a", "secondsFromStart": 5},
             {"role": "user", "message": "untimed"},
             {"role": "bot", "message": "b", "secondsFromStart": 2}]
            """);

        Assert.Equal(["b", "a", "untimed"], entries.Select(e => e.Content));
        Assert.Null(entries[2].StartTime);
        Assert.Null(entries[2].EndTime);
    }

    [Fact]
    public void Tool_messages_have_a_start_but_no_end()
    {
        var entries = Parse(WebhookWithToolCalls);

        Assert.All(entries.Where(e => !e.IsSpeech), e => Assert.Null(e.EndTime));
        Assert.All(entries.Where(e => !e.IsSpeech), e => Assert.NotNull(e.StartTime));
    }

    [Fact]
    public void Tool_arguments_given_as_an_object_are_kept_as_json_text()
    {
        var call = Assert.Single(Parse($$"""
            [{{Hello}}, {"role": "tool_calls", "secondsFromStart": 2,
              "toolCalls": [{"id": 17, "type": "function", "function": {"name": "lookup", "arguments": {"city":"Paris"} } }]}]
            """), e => e.Role == TranscriptRoles.FunctionCall);

        Assert.Equal(new FunctionCallData { Id = "17", Name = "lookup", Arguments = """{"city":"Paris"}""" }, call.Data);
    }

    [Fact]
    public void Tool_calls_message_without_tool_calls_is_skipped() =>
        Assert.Single(Parse($$"""[{{Hello}}, {"role": "tool_calls", "message": "", "secondsFromStart": 2, "toolCalls": null}]"""));

    [Fact]
    public void Result_before_its_call_in_the_array_still_takes_the_calls_name()
    {
        var result = Assert.Single(Parse($$"""
            [{{Hello}},
             {"role": "tool_call_result", "toolCallId": "c1", "result": "ok", "secondsFromStart": 3},
             {"role": "tool_calls", "secondsFromStart": 2, "toolCalls": [{"id": "c1", "function": {"name": "hang_up", "arguments": "{}"} }]}]
            """), e => e.Role == TranscriptRoles.FunctionCallResult);

        Assert.Equal(new FunctionCallData { Id = "c1", Name = "hang_up", Result = "ok" }, result.Data);
    }

    [Theory]
    [InlineData("42", "the number 42")]
    [InlineData("\"hello\"", "the string \"hello\"")]
    [InlineData("null", "null")]
    [InlineData("""{"type": "end-of-call-report", "artifact": {}}""", "an object without artifact.messages or messages")]
    [InlineData("""{"message": {"type": "end-of-call-report"}}""", "an object without message.artifact.messages or message.messages")]
    [InlineData("""{"message": {"type": "status-update", "status": "ended"}}""", "a 'status-update' message (only an end-of-call-report carries the transcript)")]
    public void Root_without_messages_is_rejected(string json, string described) =>
        Assert.Equal(["expected Vapi's messages array, an end-of-call report with artifact.messages, or its webhook body "
            + $"{{\"message\": {{...}}}}, got {described}"], Problems(json));

    [Theory]
    [InlineData("""{"message": {"artifact": {"messages": {"0": {}}}}}""", "message.artifact.messages must be an array of messages, got an object")]
    [InlineData("""{"messages": "[]"}""", "messages must be an array of messages, got the string \"[]\"")]
    public void Messages_that_are_not_an_array_are_rejected_naming_the_path(string json, string problem) =>
        Assert.Equal([problem], Problems(json));

    [Fact]
    public void Entry_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["entry 1: expected an object, got the string \"AI: hi\""], Problems($$"""[{{Hello}}, "AI: hi"]"""));

    [Fact]
    public void Missing_role_is_rejected_naming_the_entry() =>
        Assert.Equal(["entry 2: role is required"], Problems($$"""[{{Hello}}, {{Hello}}, {"message": "Hi", "secondsFromStart": 3}]"""));

    [Fact]
    public void Role_that_is_not_a_string_is_rejected() =>
        Assert.Equal(["entry 1: role must be a string, got the number 1"], Problems($$"""[{{Hello}}, {"role": 1, "message": "Hi"}]"""));

    [Fact]
    public void Speech_turn_without_message_is_rejected() =>
        Assert.Equal(["entry 1: message is required for a speech turn"], Problems($$"""[{{Hello}}, {"role": "bot", "secondsFromStart": 3}]"""));

    [Theory]
    [InlineData("5", "the number 5")]
    [InlineData("[\"Hi\"]", "an array")]
    [InlineData("{\"text\": \"Hi\"}", "an object")]
    public void Message_that_is_not_a_string_is_rejected(string message, string described) =>
        Assert.Equal([$"entry 1: message must be a string, got {described}"],
            Problems($$"""[{{Hello}}, {"role": "user", "message": {{message}}, "secondsFromStart": 3}]"""));

    [Theory]
    [InlineData("secondsFromStart", "\"soon\"", "secondsFromStart must be a number of seconds, got the string \"soon\"")]
    [InlineData("secondsFromStart", "\"NaN\"", "secondsFromStart must be a number of seconds, got the string \"NaN\"")]
    [InlineData("secondsFromStart", "-1", "secondsFromStart must not be negative")]
    [InlineData("time", "true", "time must be a number (epoch milliseconds, or seconds from the call start), got the boolean true")]
    [InlineData("time", "-3", "time must not be negative")]
    [InlineData("time", "1760710083", "time 1760710083 is neither seconds from the call start nor epoch milliseconds")]
    [InlineData("endTime", "[1]", "endTime must be a number (like time), got an array")]
    [InlineData("duration", "\"long\"", "duration must be a number of milliseconds, got the string \"long\"")]
    public void Bad_time_fields_are_rejected_naming_the_entry_and_the_field(string field, string value, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$"""[{{Hello}}, {"role": "bot", "message": "Hi", "{{field}}": {{value}}}]"""));

    [Theory]
    [InlineData("""{"id": "c1"}""", "toolCalls[1].function must be an object {name, arguments}")]
    [InlineData("""{"id": "c1", "function": "lookup"}""", "toolCalls[1].function must be an object {name, arguments}")]
    [InlineData("""{"function": {"name": "lookup"}}""", "toolCalls[1].id is required")]
    [InlineData("""{"id": "", "function": {"name": "lookup"}}""", "toolCalls[1].id is required")]
    [InlineData("""{"id": {"v": 1}, "function": {"name": "lookup"}}""", "toolCalls[1].id must be a string, got an object")]
    [InlineData("""{"id": "c1", "function": {"arguments": "{}"}}""", "toolCalls[1].function.name is required")]
    [InlineData("""{"id": "c1", "function": {"name": 3}}""", "toolCalls[1].function.name must be a string, got the number 3")]
    [InlineData("\"lookup\"", "toolCalls[1]: expected an object, got the string \"lookup\"")]
    public void Bad_tool_call_is_rejected_naming_the_entry_and_the_item(string item, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$"""
            [{{Hello}}, {"role": "tool_calls", "secondsFromStart": 2,
              "toolCalls": [{"id": "c0", "function": {"name": "ok", "arguments": "{}"} }, {{item}}]}]
            """));

    [Fact]
    public void Tool_calls_that_are_not_an_array_are_rejected() =>
        Assert.Equal(["entry 1: toolCalls must be an array, got an object"],
            Problems($$"""[{{Hello}}, {"role": "tool_calls", "toolCalls": {"id": "c1"} }]"""));

    [Fact]
    public void Tool_result_without_tool_call_id_is_rejected() =>
        Assert.Equal(["entry 1: toolCallId is required"],
            Problems($$"""[{{Hello}}, {"role": "tool_call_result", "name": "lookup", "result": "ok"}]"""));

    [Fact]
    public void Tool_result_without_a_name_or_a_call_to_take_it_from_is_rejected() =>
        Assert.Equal(["entry 1: name is required: no tool call with id 'c9' names it"],
            Problems($$"""[{{Hello}}, {"role": "tool_call_result", "toolCallId": "c9", "result": "ok"}]"""));

    [Fact]
    public void Every_problem_of_an_entry_is_reported() =>
        Assert.Equal(
        [
            "entry 0: time must be a number (epoch milliseconds, or seconds from the call start), got the string \"x\"",
            "entry 0: secondsFromStart must not be negative",
            "entry 0: message must be a string, got the boolean false",
        ], Problems("""[{"role": "bot", "message": false, "time": "x", "secondsFromStart": -2}]"""));

    [Fact]
    public void More_than_twenty_bad_entries_report_at_most_twenty_problems()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"role": "bot", "message": 1}""", 30));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"entry {i}: message must be a string, got the number 1"), Problems($"[{bad}]"));
    }

    [Fact]
    public void Cekura_transcript_sent_as_vapi_is_named_as_cekura() =>
        Assert.Equal(["this looks like a cekura transcript, not Vapi's: send it with transcript_type \"cekura\""],
            Problems("""[{"role": "Main Agent", "content": "Hi", "start_time": 0, "end_time": 1}]"""));

    [Fact]
    public void Retell_call_sent_as_vapi_is_named_as_retell()
    {
        var problems = Problems("""{"event": "call_ended", "call": {"call_id": "c", "transcript_object": []}}""");

        Assert.Equal("this looks like a retell transcript, not Vapi's: send it with transcript_type \"retell\"", problems[0]);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Pipecat_messages_sent_as_vapi_are_named_as_pipecat_before_the_entry_problems()
    {
        var problems = Problems("""{"messages": [{"role": "assistant", "content": "Hi", "timestamp": "2025-10-17T14:08:03.120+00:00"}]}""");

        Assert.Equal(["this looks like a pipecat transcript, not Vapi's: send it with transcript_type \"pipecat\"",
            "entry 0: message is required for a speech turn"], problems);
    }

    [Theory]
    [InlineData("""{"role": "bot", "message": "Hi", "time": 1e308, "endTime": 1.7976931348623157e308}""")]
    [InlineData("""{"role": "bot", "message": "Hi", "time": 123456789012345678901234567890, "secondsFromStart": 1e300, "duration": 1e308}""")]
    [InlineData("""{"role": "bot", "message": "Hi", "time": "1e11", "secondsFromStart": 1.7976931348623157e308, "endTime": 1e308}""")]
    [InlineData("""{"role": "tool_calls", "time": 1e308, "toolCalls": [{"id": "a", "function": {"name": "f"}}]}""")]
    public void Extreme_numbers_never_give_infinite_or_negative_times(string message)
    {
        foreach (var entry in Parse($"[{Hello}, {message}]"))
        {
            Assert.True(entry.StartTime is null || double.IsFinite(entry.StartTime.Value) && entry.StartTime >= 0);
            Assert.True(entry.EndTime is null || double.IsFinite(entry.EndTime.Value) && entry.EndTime >= entry.StartTime);
        }
    }

    [Fact]
    public void Undefined_json_element_is_a_format_error() =>
        Assert.Single(Assert.Throws<TranscriptFormatException>(() => Parser.Parse(default)).Problems);

    [Fact]
    public void Report_of_tool_messages_only_has_no_speech_turn()
    {
        var parsers = new TranscriptParsers([Parser]);
        using var document = JsonDocument.Parse("""
            [{"role": "system", "message": "You are Ava.", "secondsFromStart": 0},
             {"role": "tool_calls", "secondsFromStart": 1, "toolCalls": [{"id": "c", "function": {"name": "f", "arguments": "{}"} }]}]
            """);

        var error = Assert.Throws<TranscriptFormatException>(() => parsers.Parse("vapi", document.RootElement));

        Assert.Equal(["the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"], error.Problems);
    }
}
