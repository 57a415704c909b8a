using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.ElevenLabs;

namespace Cekura.Ingest.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsTranscriptParserTests
{
    private static readonly ElevenLabsTranscriptParser Parser = new();

    private static IReadOnlyList<TranscriptEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.Parse(document.RootElement);
    }

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<TranscriptFormatException>(() => Parse(json)).Problems;

    private static TranscriptEntry Agent(string content, double start, double? end) =>
        new() { Role = TranscriptRoles.MainAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Caller(string content, double start, double? end) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Call(double start, string id, string name, string arguments) =>
        new() { Role = TranscriptRoles.FunctionCall, Content = "", StartTime = start, Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments } };

    private static TranscriptEntry Result(double start, string id, string name, string result, bool? isError = null) =>
        new() { Role = TranscriptRoles.FunctionCallResult, Content = "", StartTime = start, Data = new FunctionCallData { Id = id, Name = name, Result = result, IsError = isError } };

    /// <summary>Compares entry by entry (role, content, start, end, data) so a failure names the entry.</summary>
    private static void AssertEntries(IReadOnlyList<TranscriptEntry> expected, IReadOnlyList<TranscriptEntry> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            Assert.True(expected[i] == actual[i], $"entry {i}:\n expected {expected[i]}\n actual   {actual[i]}");
        }
        Assert.Equal(expected.Count, actual.Count);
    }

    /// <summary>A valid turn to put before the turn under test, so indexes are meaningful.</summary>
    private const string Hello = """{"role": "agent", "message": "Hello.", "time_in_call_secs": 0}""";

    [Fact]
    public void Type_is_elevenlabs() => Assert.Equal(["elevenlabs"], Parser.Types);

    [Fact]
    public void Normal_call_maps_roles_and_derives_ends_from_the_next_turn_capped_by_the_speaking_rate() =>
        AssertEntries(
        [
            Agent("Hi, this is Sam from Harbor Pizza. How can I help?", 0, 4.4), // 11 words at 2.5/s before the next turn at 5
            Caller("I'd like to order a large margherita for pickup.", 5, 8.6),
            Agent("Sure. Can I get a name for the order?", 9, 12.6),
            Caller("Dana.", 17, 18), // at least 1 s, but no later than the next turn
            Agent("Thanks Dana, it will be ready in twenty minutes.", 18, null), // the last turn has no end
        ], Parse(ElevenLabsFixtures.NormalCall));

    [Fact]
    public void Webhook_body_with_tool_calls_gives_paired_function_entries_at_their_turn_time() =>
        AssertEntries(
        [
            Agent("Good afternoon, Lakeside Veterinary. How can I help you today?", 0, 4),
            Caller("I need to book a checkup for my dog Max next Tuesday.", 4, 8.8),
            Call(8, "check_availability_5f2e91", "check_availability", """{"date":"2025-11-04","service":"checkup"}"""),
            Result(8, "check_availability_5f2e91", "check_availability", """{"slots":["09:30","15:00"]}""", isError: false),
            Agent("Tuesday I have nine thirty or three in the afternoon.", 9, 13),
            Caller("Nine thirty, please.", 14, 15.2),
            Agent("Let me book that for you.", 16, 18), // function entries do not cut a speech turn short
            Call(16, "book_appointment_7a1c04", "book_appointment", """{"slot":"2025-11-04T09:30","pet":"Max"}"""),
            Result(17, "book_appointment_7a1c04", "book_appointment", """{"confirmation":"LV-2291"}""", isError: false),
            Agent("You're all set, Max is booked for nine thirty on Tuesday.", 18, null),
            Call(23, "end_call_0d9b33", "end_call", """{"reason":"task complete"}"""),
            Result(23, "end_call_0d9b33", "end_call", """{"type":"end_call_success","status":"success","reason":"task complete"}""", isError: false),
        ], Parse(ElevenLabsFixtures.ToolCallsWebhook));

    [Fact]
    public void Conversation_object_with_provider_quirks_is_accepted() =>
        AssertEntries(
        [
            Agent("Hello, you've reached Northwind Internet support. Who am I speaking with?", 0, 3), // interrupted by the caller at 3
            Caller("Hi, it's Priya, my internet keeps dropping.", 3, 5.8), // time given as the string "3"
            // the null-message turn without tools and the empty message are skipped
            Agent("I'm sorry to hear that. Let me check your line.", 7, 10),
            Call(7, "line_status_83c1", "line_status", """{"account":"priya.n"}"""),
            Result(9, "line_status_83c1", "line_status", """{"error":"upstream timeout"}""", isError: true), // tool_name taken from its call; is_error kept
            Agent("Our system is slow right now. Could you restart your router and tell me when the lights are green?", 10, 17.6), // 19 words, then 40 s of silence
            Caller("Okay, they're green now.", 58, 59.6),
            Agent("Great, your connection should be stable again.", 60, null),
        ], Parse(ElevenLabsFixtures.QuirksConversation));

    [Fact]
    public void Bare_array_wrapped_object_conversation_and_webhook_give_the_same_transcript()
    {
        var turns = JsonDocument.Parse(ElevenLabsFixtures.NormalCall).RootElement.GetRawText();
        var expected = Parse(turns);

        Assert.Equal(expected, Parse($$$"""{"transcript": {{{turns}}}}"""));
        Assert.Equal(expected, Parse($$$"""{"conversation_id": "conv_1", "status": "done", "transcript": {{{turns}}}, "metadata": {"call_duration_secs": 20}}"""));
        Assert.Equal(expected, Parse($$$"""{"type": "post_call_transcription", "event_timestamp": 1761903263, "data": {"conversation_id": "conv_1", "transcript": {{{turns}}}}}"""));
    }

    [Fact]
    public void Tool_call_on_a_spoken_turn_follows_the_speech()
    {
        var entries = Parse("""
            [{"role": "agent", "message": "One moment.", "time_in_call_secs": 2,
              "tool_calls": [{"request_id": "r1", "tool_name": "lookup", "params_as_json": "{}"}],
              "tool_results": [{"request_id": "r1", "tool_name": "lookup", "result_value": "ok", "is_error": false}]}]
            """);

        AssertEntries([Agent("One moment.", 2, null), Call(2, "r1", "lookup", "{}"), Result(2, "r1", "lookup", "ok", isError: false)], entries);
    }

    [Fact]
    public void Result_named_after_a_call_that_comes_later_in_the_array()
    {
        var entries = Parse("""
            [{"role": "agent", "message": null, "time_in_call_secs": 3, "tool_results": [{"request_id": "r9", "result_value": "done"}]},
             {"role": "agent", "message": null, "time_in_call_secs": 3, "tool_calls": [{"request_id": "r9", "tool_name": "transfer", "params_as_json": "{}"}]}]
            """);

        Assert.Equal("transfer", entries[0].Data!.Name);
    }

    [Fact]
    public void Params_and_result_sent_as_objects_are_kept_as_json_text()
    {
        var entries = Parse("""
            [{"role": "agent", "message": null, "time_in_call_secs": 1,
              "tool_calls": [{"request_id": 42, "tool_name": "lookup", "params_as_json": {"city": "Oslo"}}],
              "tool_results": [{"request_id": 42, "tool_name": "lookup", "result_value": {"temp": -3}}]}]
            """);

        AssertEntries([Call(1, "42", "lookup", """{"city": "Oslo"}"""), Result(1, "42", "lookup", """{"temp": -3}""")], entries);
    }

    [Fact]
    public void Missing_params_and_result_give_empty_payloads() =>
        AssertEntries([Call(1, "r", "hang_up", ""), Result(1, "r", "hang_up", "", isError: false)], Parse("""
            [{"role": "agent", "time_in_call_secs": 1, "tool_calls": [{"request_id": "r", "tool_name": "hang_up"}],
              "tool_results": [{"request_id": "r", "tool_name": "hang_up", "is_error": false}]}]
            """));

    [Fact]
    public void Turn_without_time_is_untimed_and_keeps_its_place()
    {
        var entries = Parse("""
            [{"role": "agent", "message": "First.", "time_in_call_secs": 0},
             {"role": "user", "message": "No time."},
             {"role": "agent", "message": "Later.", "time_in_call_secs": 5}]
            """);

        AssertEntries([Agent("First.", 0, 1), new TranscriptEntry { Role = "Testing Agent", Content = "No time." }, Agent("Later.", 5, null)], entries);
    }

    [Fact]
    public void Turns_sharing_a_second_keep_array_order_and_the_earlier_ends_when_the_next_starts()
    {
        var entries = Parse("""
            [{"role": "user", "message": "Yes.", "time_in_call_secs": 4},
             {"role": "agent", "message": "Great.", "time_in_call_secs": 4},
             {"role": "user", "message": "Before.", "time_in_call_secs": 2}]
            """);

        AssertEntries([Caller("Before.", 2, 3), Caller("Yes.", 4, 4), Agent("Great.", 4, null)], entries);
    }

    [Theory]
    [InlineData("Hi.", 1)]
    [InlineData("one two three four five", 2)]
    [InlineData("one two three four five six seven eight nine ten", 4)]
    [InlineData("少々お待ちください。確認いたします。", 1.2)] // 18 characters, no spaces
    public void Speaking_estimate_is_150_words_a_minute_and_at_least_a_second(string text, double seconds) =>
        Assert.Equal(seconds, StartOnlyTurns.SpeakingSeconds(text), 9);

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"role": "agent", "message": null, "time_in_call_secs": 0}]""")]
    [InlineData("""[{"role": "user", "message": "  ", "time_in_call_secs": 0, "tool_calls": null}]""")]
    public void Transcript_without_speech_is_rejected_by_the_registry(string json)
    {
        var parsers = new TranscriptParsers([Parser]);
        using var document = JsonDocument.Parse(json);

        Assert.Empty(Parser.Parse(document.RootElement));
        Assert.Equal(["the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"],
            Assert.Throws<TranscriptFormatException>(() => parsers.Parse("elevenlabs", document.RootElement)).Problems);
    }

    // ---- invalid input -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("42", "the number 42")]
    [InlineData("\"hello\"", "the string \"hello\"")]
    [InlineData("null", "null")]
    public void Root_that_is_neither_array_nor_object_is_rejected(string json, string described) =>
        Assert.Equal([$"expected the ElevenLabs transcript array, {{\"transcript\": [...]}}, the conversation object or a post_call_transcription webhook body, got {described}"],
            Problems(json));

    [Fact]
    public void Object_without_transcript_is_rejected() =>
        Assert.Equal(["expected the ElevenLabs transcript array, {\"transcript\": [...]}, the conversation object or a post_call_transcription webhook body, got an object without transcript or data.transcript"],
            Problems("""{"conversation_id": "conv_1", "messages": []}"""));

    [Theory]
    [InlineData("""{"transcript": "agent: hi"}""", "transcript must be an array of turns, got the string \"agent: hi\"")]
    [InlineData("""{"transcript": null}""", "transcript must be an array of turns, got null")]
    [InlineData("""{"type": "post_call_transcription", "data": {"transcript": {}}}""", "data.transcript must be an array of turns, got an object")]
    [InlineData("""{"type": "post_call_transcription", "data": {"conversation_id": "c"}}""", "data.transcript is required (a post_call_transcription webhook body)")]
    [InlineData("""{"type": "post_call_transcription", "data": []}""", "data must be an object with a transcript, got an array")]
    public void Wrapper_without_a_transcript_array_names_the_path(string json, string problem) =>
        Assert.Equal([problem], Problems(json));

    [Theory]
    [InlineData("post_call_audio")]
    [InlineData("call_initiation_failure")]
    public void Other_webhook_types_say_they_carry_no_transcript(string type) =>
        Assert.Equal([$"a '{type}' webhook carries no transcript: only 'post_call_transcription' has data.transcript"],
            Problems($$$"""{"type": "{{{type}}}", "event_timestamp": 1, "data": {"conversation_id": "c", "full_audio": "SUQz"}}"""));

    [Fact]
    public void Turn_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["entry 1: expected an object, got the string \"agent: hi\""], Problems($$"""[{{Hello}}, "agent: hi"]"""));

    [Theory]
    [InlineData("assistant")]
    [InlineData("Main Agent")]
    [InlineData("AGENT")]
    public void Role_other_than_agent_or_user_is_rejected(string role) =>
        Assert.Equal([$"entry 1: role '{role}' is not one of 'agent', 'user'"],
            Problems($$"""[{{Hello}}, {"role": "{{role}}", "message": "Hi", "time_in_call_secs": 1}]"""));

    [Fact]
    public void Missing_role_is_rejected() =>
        Assert.Equal(["entry 1: role is required"], Problems($$"""[{{Hello}}, {"message": "Hi", "time_in_call_secs": 1}]"""));

    [Fact]
    public void Non_string_role_is_rejected() =>
        Assert.Equal(["entry 0: role must be 'agent' or 'user', got the number 1"], Problems("""[{"role": 1, "message": "Hi"}]"""));

    [Theory]
    [InlineData("\"soon\"", "the string \"soon\"")]
    [InlineData("\"NaN\"", "the string \"NaN\"")]
    [InlineData("\"1e400\"", "the string \"1e400\"")]
    [InlineData("[3]", "an array")]
    [InlineData("true", "the boolean true")]
    public void Time_that_is_not_a_number_is_rejected(string time, string described) =>
        Assert.Equal([$"entry 1: time_in_call_secs must be a number of seconds, got {described}"],
            Problems($$"""[{{Hello}}, {"role": "user", "message": "Hi", "time_in_call_secs": {{time}}}]"""));

    [Fact]
    public void Negative_time_is_rejected() =>
        Assert.Equal(["entry 1: time_in_call_secs must not be negative"],
            Problems($$"""[{{Hello}}, {"role": "user", "message": "Hi", "time_in_call_secs": -2}]"""));

    [Theory]
    [InlineData("5", "the number 5")]
    [InlineData("[\"Hi\"]", "an array")]
    [InlineData("{\"text\": \"Hi\"}", "an object")]
    public void Message_that_is_not_a_string_or_null_is_rejected(string message, string described) =>
        Assert.Equal([$"entry 1: message must be a string or null, got {described}"],
            Problems($$"""[{{Hello}}, {"role": "agent", "message": {{message}}, "time_in_call_secs": 1}]"""));

    [Theory]
    [InlineData("tool_calls", "{}", "an object")]
    [InlineData("tool_results", "\"r1\"", "the string \"r1\"")]
    public void Tool_list_that_is_not_an_array_is_rejected(string field, string value, string described) =>
        Assert.Equal([$"entry 1: {field} must be an array, got {described}"],
            Problems($$"""[{{Hello}}, {"role": "agent", "message": null, "time_in_call_secs": 1, "{{field}}": {{value}}}]"""));

    [Fact]
    public void Tool_item_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["entry 1: tool_calls[1] must be an object, got the string \"lookup\""],
            Problems($$"""[{{Hello}}, {"role": "agent", "time_in_call_secs": 1, "tool_calls": [{"request_id": "a", "tool_name": "f"}, "lookup"]}]"""));

    [Fact]
    public void Tool_call_needs_request_id_and_tool_name() =>
        Assert.Equal(["entry 1: tool_calls[0].request_id is required", "entry 1: tool_calls[0].tool_name is required"],
            Problems($$"""[{{Hello}}, {"role": "agent", "time_in_call_secs": 1, "tool_calls": [{"params_as_json": "{}"}]}]"""));

    [Fact]
    public void Empty_request_id_is_rejected() =>
        Assert.Equal(["entry 1: tool_calls[0].request_id must not be empty"],
            Problems($$"""[{{Hello}}, {"role": "agent", "time_in_call_secs": 1, "tool_calls": [{"request_id": "", "tool_name": "f"}]}]"""));

    [Fact]
    public void Request_id_of_the_wrong_kind_is_rejected() =>
        Assert.Equal(["entry 1: tool_results[0].request_id must be a string, got an object"],
            Problems($$"""[{{Hello}}, {"role": "agent", "time_in_call_secs": 1, "tool_results": [{"request_id": {"id": 1}, "tool_name": "f"}]}]"""));

    [Fact]
    public void Result_without_tool_name_and_without_its_call_is_rejected() =>
        Assert.Equal(["entry 1: tool_results[0].tool_name is required (no tool call has request_id 'r7')"],
            Problems($$"""[{{Hello}}, {"role": "agent", "time_in_call_secs": 1, "tool_results": [{"request_id": "r7", "result_value": "ok"}]}]"""));

    [Fact]
    public void Every_problem_of_a_turn_is_reported() =>
        Assert.Equal(
        [
            "entry 0: role 'bot' is not one of 'agent', 'user'",
            "entry 0: time_in_call_secs must be a number of seconds, got the string \"later\"",
            "entry 0: message must be a string or null, got the boolean true",
        ], Problems("""[{"role": "bot", "message": true, "time_in_call_secs": "later"}]"""));

    [Fact]
    public void More_than_twenty_problems_are_capped_at_twenty()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"role": "assistant", "message": 1}""", 30));
        var problems = Problems($"[{bad}]");

        Assert.Equal(20, problems.Count);
        Assert.Equal("entry 0: role 'assistant' is not one of 'agent', 'user'", problems[0]);
        Assert.Equal("entry 0: message must be a string or null, got the number 1", problems[1]);
        Assert.Equal("entry 9: message must be a string or null, got the number 1", problems[19]);
    }
}
