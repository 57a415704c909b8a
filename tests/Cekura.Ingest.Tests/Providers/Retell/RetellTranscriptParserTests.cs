using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Retell;
using static Cekura.Ingest.Tests.Providers.Retell.RetellFixtures;

namespace Cekura.Ingest.Tests.Providers.Retell;

public sealed class RetellTranscriptParserTests
{
    private static readonly RetellTranscriptParser Parser = new();

    private static IReadOnlyList<TranscriptEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.Parse(document.RootElement);
    }

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<TranscriptFormatException>(() => Parse(json)).Problems;

    /// <summary>A valid turn to stand before the entry under test, so the index in the message is meaningful.</summary>
    private const string Hello = """{"role": "user", "content": "Hello.", "words": [{"word": "Hello.", "start": 0.2, "end": 0.6}]}""";

    [Fact]
    public void Type_is_retell() => Assert.Equal(["retell"], Parser.Types);

    [Fact]
    public void Webhook_body_with_transcript_object_maps_agent_user_and_transfer_target() =>
        AssertTranscript(WebhookWithWarmTransferExpected, Parse(WebhookWithWarmTransfer));

    [Fact]
    public void Call_object_prefers_transcript_with_tool_calls_and_keeps_untimed_tool_entries_between_their_neighbours() =>
        AssertTranscript(CallWithToolCallsExpected, Parse(CallWithToolCalls));

    [Fact]
    public void Bare_array_skips_kinds_without_speech_and_tolerates_missing_word_times() =>
        AssertTranscript(BareArrayWithQuirksExpected, Parse(BareArrayWithQuirks));

    [Fact]
    public void Call_analyzed_body_with_event_type_key_is_accepted()
    {
        var entry = Assert.Single(Parse($$"""{"event_type": "call_analyzed", "call": {"call_id": "c", "transcript_object": [{{Hello}}]} }"""));

        Assert.Equal(RetellFixtures.Speech(TranscriptRoles.TestingAgent, "Hello.", 0.2, 0.6), entry);
    }

    [Fact]
    public void Empty_transcript_with_tool_calls_falls_back_to_transcript_object() =>
        Assert.Equal(["Hello."], Parse($$"""{"transcript_with_tool_calls": [], "transcript_object": [{{Hello}}]}""").Select(e => e.Content));

    [Fact]
    public void Null_transcript_with_tool_calls_falls_back_to_transcript_object() =>
        Assert.Equal(["Hello."], Parse($$"""{"call": {"transcript_with_tool_calls": null, "transcript_object": [{{Hello}}]} }""").Select(e => e.Content));

    [Theory]
    [InlineData("agent", TranscriptRoles.MainAgent)]
    [InlineData("user", TranscriptRoles.TestingAgent)]
    [InlineData("transfer_target", TranscriptRoles.TestingAgent)]
    [InlineData("Agent", TranscriptRoles.MainAgent)]
    public void Speaker_roles_map_to_the_canonical_roles(string role, string expected) =>
        Assert.Equal(expected, Assert.Single(Parse($$"""[{"role": "{{role}}", "content": "Hi", "words": []}]""")).Role);

    [Theory]
    [InlineData("""{"role": "node_transition", "former_node_id": "a", "new_node_id": "b"}""")]
    [InlineData("""{"role": "dtmf", "digit": "5"}""")]
    [InlineData("""{"role": "sms", "content": "link", "time_sec": 3}""")]
    [InlineData("""{"role": "injected", "content": "note", "time_sec": 3}""")]
    [InlineData("""{"role": "agent_swap", "content": "later kind"}""")]
    public void Entry_kinds_without_speech_are_skipped(string entry) =>
        Assert.Equal(["Hello."], Parse($"[{Hello}, {entry}]").Select(e => e.Content));

    [Fact]
    public void Null_content_turn_is_skipped() =>
        Assert.Single(Parse($$"""[{{Hello}}, {"role": "agent", "content": null, "words": []} ]"""));

    [Fact]
    public void Turn_without_words_is_untimed()
    {
        var entry = Assert.Single(Parse("""[{"role": "agent", "content": "Hi"}]"""));

        Assert.Null(entry.StartTime);
        Assert.Null(entry.EndTime);
    }

    [Fact]
    public void Turn_spans_the_earliest_word_start_to_the_latest_word_end_even_out_of_order() =>
        Assert.Equal(RetellFixtures.Speech(TranscriptRoles.MainAgent, "b a", 1, 2.5),
            Assert.Single(Parse("""[{"role": "agent", "content": "b a", "words": [{"word": "b", "start": 2, "end": 2.5}, {"word": "a", "start": 1, "end": 1.4}]}]""")));

    [Fact]
    public void Words_with_ends_but_no_start_leave_the_turn_untimed() =>
        Assert.Equal(RetellFixtures.Speech(TranscriptRoles.MainAgent, "Hi", null, null),
            Assert.Single(Parse("""[{"role": "agent", "content": "Hi", "words": [{"word": "Hi", "end": 1.4}]}]""")));

    [Fact]
    public void Entries_are_stably_ordered_by_word_start_with_untimed_ones_after_their_predecessor() =>
        Assert.Equal(["at-1", "untimed-after-1", "at-4", "tool", "at-9"], Parse("""
            [{"role": "agent", "content": "at-4", "words": [{"start": 4, "end": 5}]},
             {"role": "tool_call_invocation", "tool_call_id": "t", "name": "tool", "arguments": "{}"},
             {"role": "user", "content": "at-1", "words": [{"start": 1, "end": 2}]},
             {"role": "user", "content": "untimed-after-1", "words": []},
             {"role": "agent", "content": "at-9", "words": [{"start": 9, "end": 9.5}]}]
            """).Select(e => e.Data?.Name ?? e.Content));

    [Fact]
    public void Tool_entries_given_as_objects_or_numbers_are_kept_as_text()
    {
        var entries = Parse($$"""
            [{{Hello}},
             {"role": "tool_call_invocation", "tool_call_id": 42, "name": "lookup", "arguments": {"city":"Paris"} },
             {"role": "tool_call_result", "tool_call_id": 42, "content": {"ok":true} }]
            """);

        Assert.Equal(new FunctionCallData { Id = "42", Name = "lookup", Arguments = """{"city":"Paris"}""" }, entries[1].Data);
        Assert.Equal(new FunctionCallData { Id = "42", Name = "lookup", Result = """{"ok":true}""" }, entries[2].Data);
    }

    [Fact]
    public void Result_without_a_matching_invocation_has_an_empty_name()
    {
        var result = Assert.Single(Parse($$"""[{{Hello}}, {"role": "tool_call_result", "tool_call_id": "orphan", "content": "done"}]"""),
            e => e.Role == TranscriptRoles.FunctionCallResult);

        Assert.Equal(new FunctionCallData { Id = "orphan", Name = "", Result = "done" }, result.Data);
    }

    [Fact]
    public void Invocation_without_arguments_gets_empty_arguments() =>
        Assert.Equal("", Parse($$"""[{{Hello}}, {"role": "tool_call_invocation", "tool_call_id": "t", "name": "hang_up"}]""")[1].Data!.Arguments);

    [Theory]
    [InlineData("42", "the number 42")]
    [InlineData("\"hello\"", "the string \"hello\"")]
    [InlineData("null", "null")]
    [InlineData("""{"call_id": "c", "call_status": "ongoing"}""", "an object without transcript_with_tool_calls or transcript_object")]
    [InlineData("""{"event": "call_started", "call": {"call_id": "c"}}""", "an object without call.transcript_with_tool_calls or call.transcript_object")]
    [InlineData("""{"call": {"transcript": "Agent: hi"}}""", "an object with only the text call.transcript (its turns and times are in call.transcript_object)")]
    public void Root_without_turns_is_rejected(string json, string described) =>
        Assert.Equal(["expected Retell's transcript_with_tool_calls or transcript_object array, the call object, or its webhook body "
            + $"{{\"event\", \"call\"}}, got {described}"], Problems(json));

    [Theory]
    [InlineData("""{"call": "call_123"}""", "call must be the Retell call object, got the string \"call_123\"")]
    [InlineData("""{"call": {"transcript_object": {"0": {}}}}""", "call.transcript_object must be an array of turns, got an object")]
    [InlineData("""{"transcript_with_tool_calls": "[]"}""", "transcript_with_tool_calls must be an array of turns, got the string \"[]\"")]
    public void Wrongly_shaped_containers_are_rejected_naming_the_path(string json, string problem) =>
        Assert.Equal([problem], Problems(json));

    [Fact]
    public void Entry_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["entry 1: expected an object, got the string \"Agent: hi\""], Problems($$"""[{{Hello}}, "Agent: hi"]"""));

    [Fact]
    public void Missing_role_is_rejected_naming_the_entry() =>
        Assert.Equal(["entry 2: role is required"], Problems($$"""[{{Hello}}, {{Hello}}, {"content": "Hi", "words": []}]"""));

    [Fact]
    public void Role_that_is_not_a_string_is_rejected() =>
        Assert.Equal(["entry 1: role must be a string, got an array"], Problems($$"""[{{Hello}}, {"role": ["agent"], "content": "Hi"}]"""));

    [Fact]
    public void Speech_turn_without_content_is_rejected() =>
        Assert.Equal(["entry 1: content is required for a speech turn"], Problems($$"""[{{Hello}}, {"role": "agent", "words": []}]"""));

    [Theory]
    [InlineData("5", "the number 5")]
    [InlineData("[\"Hi\"]", "an array")]
    [InlineData("true", "the boolean true")]
    public void Content_that_is_not_a_string_is_rejected(string content, string described) =>
        Assert.Equal([$"entry 1: content must be a string, got {described}"],
            Problems($$"""[{{Hello}}, {"role": "user", "content": {{content}}, "words": []}]"""));

    [Theory]
    [InlineData("\"Hi there\"", "words must be an array, got the string \"Hi there\"")]
    [InlineData("[{\"start\": 1}, 3]", "words[1]: expected an object, got the number 3")]
    [InlineData("[{\"start\": \"soon\"}]", "words[0].start must be a number of seconds, got the string \"soon\"")]
    [InlineData("[{\"start\": 1, \"end\": \"Infinity\"}]", "words[0].end must be a number of seconds, got the string \"Infinity\"")]
    [InlineData("[{\"start\": 1, \"end\": -2}]", "words[0].end must not be negative")]
    [InlineData("[{\"start\": 1, \"end\": 2}, {\"start\": {}}]", "words[1].start must be a number of seconds, got an object")]
    public void Bad_words_are_rejected_naming_the_entry_and_the_word(string words, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$"""[{{Hello}}, {"role": "agent", "content": "Hi", "words": {{words}}}]"""));

    [Theory]
    [InlineData("""{"role": "tool_call_invocation", "name": "lookup", "arguments": "{}"}""", "tool_call_id is required")]
    [InlineData("""{"role": "tool_call_invocation", "tool_call_id": "", "name": "lookup"}""", "tool_call_id is required")]
    [InlineData("""{"role": "tool_call_invocation", "tool_call_id": [1], "name": "lookup"}""", "tool_call_id must be a string, got an array")]
    [InlineData("""{"role": "tool_call_invocation", "tool_call_id": "t", "arguments": "{}"}""", "name is required")]
    [InlineData("""{"role": "tool_call_invocation", "tool_call_id": "t", "name": false}""", "name must be a string, got the boolean false")]
    [InlineData("""{"role": "tool_call_invocation", "tool_call_id": "t", "name": "f", "time_sec": "later"}""", "time_sec must be a number of seconds, got the string \"later\"")]
    [InlineData("""{"role": "tool_call_result", "content": "ok"}""", "tool_call_id is required")]
    [InlineData("""{"role": "tool_call_result", "tool_call_id": "t", "content": "ok", "time_sec": -1}""", "time_sec must not be negative")]
    public void Bad_tool_entries_are_rejected_naming_the_entry_and_the_field(string entry, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($"[{Hello}, {entry}]"));

    [Fact]
    public void Every_problem_of_an_entry_is_reported() =>
        Assert.Equal(
        [
            "entry 0: words[0].start must be a number of seconds, got the string \"x\"",
            "entry 0: words[1]: expected an object, got null",
            "entry 0: content must be a string, got the number 7",
        ], Problems("""[{"role": "agent", "content": 7, "words": [{"start": "x"}, null]}]"""));

    [Fact]
    public void More_than_twenty_bad_entries_report_at_most_twenty_problems()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"role": "agent"}""", 30));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"entry {i}: content is required for a speech turn"), Problems($"[{bad}]"));
    }

    [Fact]
    public void A_turn_with_many_bad_words_still_caps_at_twenty_problems()
    {
        var words = string.Join(", ", Enumerable.Repeat("""{"start": "x"}""", 50));

        Assert.Equal(20, Problems($$"""[{"role": "agent", "content": "Hi", "words": [{{words}}]}]""").Count);
    }

    [Fact]
    public void Vapi_report_sent_as_retell_is_named_as_vapi()
    {
        var problems = Problems("""{"message": {"type": "end-of-call-report", "artifact": {"messages": []}}}""");

        Assert.Equal("this looks like a vapi transcript, not Retell's: send it with transcript_type \"vapi\"", problems[0]);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Vapi_messages_sent_as_retell_are_named_as_vapi_before_the_entry_problems() =>
        Assert.Equal(["this looks like a vapi transcript, not Retell's: send it with transcript_type \"vapi\"",
            "entry 1: content is required for a speech turn"],
            Problems("""[{"role": "bot", "message": "Hi", "time": 0.0}, {"role": "user", "message": "Hello", "time": 1.2}]"""));

    [Fact]
    public void Cekura_transcript_sent_as_retell_is_named_as_cekura() =>
        Assert.Equal(["this looks like a cekura transcript, not Retell's: send it with transcript_type \"cekura\""],
            Problems("""[{"role": "Main Agent", "content": "Hi", "start_time": 0, "end_time": 1}]"""));

    [Fact]
    public void Undefined_json_element_is_a_format_error() =>
        Assert.Single(Assert.Throws<TranscriptFormatException>(() => Parser.Parse(default)).Problems);

    [Fact]
    public void Transcript_of_tool_entries_only_has_no_speech_turn()
    {
        var parsers = new TranscriptParsers([Parser]);
        using var document = JsonDocument.Parse("""
            [{"role": "tool_call_invocation", "tool_call_id": "t", "name": "f", "arguments": "{}"},
             {"role": "tool_call_result", "tool_call_id": "t", "content": "ok"}]
            """);

        var error = Assert.Throws<TranscriptFormatException>(() => parsers.Parse("retell", document.RootElement));

        Assert.Equal(["the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"], error.Problems);
    }
}
