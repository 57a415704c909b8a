using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.LiveKit;

namespace Cekura.Ingest.Tests.Providers.LiveKit;

public sealed class LiveKitTranscriptParserTests
{
    private static readonly LiveKitTranscriptParser Parser = new();

    private static IReadOnlyList<TranscriptEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.Parse(document.RootElement);
    }

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<TranscriptFormatException>(() => Parse(json)).Problems;

    private static TranscriptEntry Agent(string content, double? start, double? end) =>
        new() { Role = TranscriptRoles.MainAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Caller(string content, double? start, double? end) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Call(double? start, string id, string name, string arguments) =>
        new() { Role = TranscriptRoles.FunctionCall, Content = "", StartTime = start, Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments } };

    private static TranscriptEntry Result(double? start, string id, string name, string result, bool? isError = null) =>
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

    /// <summary>A valid message to put before the item under test, so indexes are meaningful.</summary>
    private const string Hello = """{"type": "message", "role": "assistant", "content": ["Hello."]}""";

    [Fact]
    public void Type_is_livekit() => Assert.Equal(["livekit"], Parser.Types);

    [Fact]
    public void Default_history_times_turns_by_speaking_metrics_from_the_earliest_time() =>
        AssertEntries(
        [
            // the system prompt is dropped; zero = the first started_speaking_at (…401.25)
            Agent("Maple Street Hotel, this is Leo. How can I help?", 0, 2.65),
            Caller("Hi, do you have a room for two nights starting Friday?", 3.77, 7.22),
            Agent("Yes, we have a queen room at 189 dollars a night.", 8.35, 11.6),
            Caller("Great, please hold it under Lopez.", 12.85, 14.77),
            Agent("Done. It's held under Lopez for Friday and Saturday.", 15.75, 19.06), // two parts joined with a space
        ], Parse(LiveKitFixtures.NormalCall));

    [Fact]
    public void Session_report_counts_from_the_recording_start_and_pairs_function_items_by_call_id() =>
        AssertEntries(
        [
            Agent("Thanks for calling Trailhead Outfitters, this is Nora. What can I do for you?", 0.92, 4.56),
            Caller("My order hasn't arrived yet, it's order 5518.", 5.7, 9.25), // by speaking time, not created_at (…990.18)
            Call(10.44, "call_b7Yk2Pq0", "track_order", """{"order_id": "5518"}"""),
            Result(11.16, "call_b7Yk2Pq0", "track_order", """{"status": "delayed", "eta": "2025-11-08"}""", isError: false),
            Agent("It's delayed and should arrive Saturday. Would you like a refund of the shipping fee?", 11.8, 15.98),
            Caller("Yes please.", 16.6, 17.4),
            // agent_handoff and agent_config_update are skipped
            Call(18.9, "call_Zr4n8Hs1", "issue_refund", """{"order_id": "5518", "amount": 12.5}"""),
            Result(19.62, "call_Zr4n8Hs1", "issue_refund", """{"refund_id": "rf_2291"}""", isError: false),
            Agent("Done, twelve fifty is back on your card.", 20.3, 22.52),
        ], Parse(LiveKitFixtures.ToolCallsReport));

    [Fact]
    public void History_with_provider_quirks_is_accepted() =>
        AssertEntries(
        [
            // developer and system prompts dropped, but the system prompt's created_at (…100.0) is the zero point
            Agent("Riverside Pharmacy, this is Iris.", 1.5, 3.25), // times as numeric strings
            Agent("Are you calling about a refill or a new prescription?", 3.4, 5), // interrupted, two parts
            Caller("A refill.", 4.6, 5.7), // the audio part is skipped; overlaps the interrupted reply
            // the empty interrupted reply is skipped
            Call(6.9, "call_Vx81Lm", "lookup_refill", """{"rx": "RX-40917"}"""),
            Result(9.9, "call_Vx81Lm", "lookup_refill", "pharmacy system unavailable", isError: true), // empty name taken from the call; is_error kept
            Agent("Sorry, our system is down. I'll text you when it's ready.", 11.5, null), // null metrics: start from created_at
            Caller("Thanks.", 16.6, null), // stopped_speaking_at before created_at says nothing about the end
        ], Parse(LiveKitFixtures.QuirksHistory));

    [Fact]
    public void Bare_role_content_list_is_accepted_untimed() =>
        AssertEntries(
        [
            Agent("Bloom Dental, Ava speaking.", null, null),
            Caller("Can I book a cleaning?", null, null),
            Agent("Sure, what day works for you?", null, null),
        ], Parse(LiveKitFixtures.BareList));

    // Cekura's documented LiveKit list form (transcript-formats.md): [{role: assistant|user, content, timestamp}], timestamp =
    // the turn's start in seconds from the call's start, content a string or a list of strings.

    [Fact]
    public void Documented_list_form_is_timed_from_its_timestamps_and_each_turn_ends_by_the_next_or_the_speaking_estimate() =>
        AssertEntries(
        [
            // 8 words at 150 a minute = 3.2 s: ends at 0.52 + 3.2, before the next turn starts
            Agent("Thanks for calling Bloom Dental, this is Ava.", 0.52, 3.72),
            // the next turn starts sooner than the estimate (4.6 + 3.2): it ends there
            Caller("Hi, can I move my cleaning to Friday?", 4.6, 7.1),
            // the last turn stays open: the recording's end closes it
            Agent("Friday works, I have ten o'clock or two thirty.", 7.1, null),
        ], Parse("""
            [{"role": "assistant", "content": "Thanks for calling Bloom Dental, this is Ava.", "timestamp": 0.52},
             {"role": "user", "content": "Hi, can I move my cleaning to Friday?", "timestamp": 4.6},
             {"role": "assistant", "content": ["Friday works,", "I have ten o'clock or two thirty."], "timestamp": 7.1}]
            """));

    [Fact]
    public void Documented_list_form_fixture_with_tool_entries() =>
        AssertEntries(
        [
            Agent("Thanks for calling Bloom Dental, this is Ava.", 0.52, 3.72),
            Caller("Hi, can I move my cleaning to Friday?", 4.6, 7.8),
            Call(8.0, "call_Qm2x81", "find_slots", """{"day": "friday"}"""),
            Result(8.8, "call_Qm2x81", "find_slots", """{"slots": ["10:00", "14:30"]}"""),
            Agent("Friday works, I have ten o'clock or two thirty.", 9.4, 13.0),
            Caller("Two thirty, please.", 13.1, null),
        ], Parse(LiveKitFixtures.DocumentedListForm));

    [Fact]
    public void Documented_list_form_gives_the_same_timed_turns_through_the_registry()
    {
        using var document = JsonDocument.Parse("""
            [{"role": "assistant", "content": "Hello.", "timestamp": 0}, {"role": "user", "content": "Hi.", "timestamp": "0.8"}]
            """);

        AssertEntries([Agent("Hello.", 0, 0.8), Caller("Hi.", 0.8, null)],
            new TranscriptParsers([Parser]).Parse("livekit", document.RootElement));
    }

    [Fact]
    public void Documented_tool_entries_are_function_entries_at_their_timestamp_or_after_the_turn_before_them() =>
        AssertEntries(
        [
            Caller("Book me for six today, the name is John.", 19.16, 22.76), // 9 words: 3.6 s; tool entries do not end a turn
            Call(null, "call_5otWH44dxeXEHY8RlhYYaFbV", "bookUserAppointment", """{"name": "John", "datetime": "2024-10-17T18:00:00"}"""),
            Result(24.6, "call_5otWH44dxeXEHY8RlhYYaFbV", "bookUserAppointment", "No result returned."),
            Agent("You're booked for 6 PM today.", 27.08, null),
        ], Parse("""
            [{"role": "user", "content": "Book me for six today, the name is John.", "timestamp": 19.16},
             {"role": "tool_call", "data": {"id": "call_5otWH44dxeXEHY8RlhYYaFbV", "name": "bookUserAppointment", "arguments": "{\"name\": \"John\", \"datetime\": \"2024-10-17T18:00:00\"}"}},
             {"role": "tool_call_result", "timestamp": 24.6, "data": {"id": "call_5otWH44dxeXEHY8RlhYYaFbV", "name": "bookUserAppointment", "result": "No result returned."}},
             {"role": "assistant", "content": "You're booked for 6 PM today.", "timestamp": 27.08}]
            """));

    [Fact]
    public void Documented_tool_entries_work_in_items_too_and_keep_the_error_flag() =>
        AssertEntries([Agent("One moment.", 0, 1), Call(0.5, "c1", "f", "{}"), Result(0.75, "c1", "f", "timeout", isError: true)], Parse("""
            {"items": [{"type": "message", "role": "assistant", "content": ["One moment."], "metrics": {"started_speaking_at": 100, "stopped_speaking_at": 101}},
                       {"role": "tool_call", "created_at": 100.5, "data": {"id": "c1", "name": "f", "arguments": "{}"}},
                       {"role": "tool_call_result", "created_at": 100.75, "data": {"id": "c1", "name": "f", "result": "timeout", "is_error": true}}]}
            """));

    [Theory]
    [InlineData("""{"role": "tool_call"}""", "a 'tool_call' entry needs data {id, name, arguments}")]
    [InlineData("""{"role": "tool_call_result", "data": ["ok"]}""", "a 'tool_call_result' entry needs data {id, name, result}")]
    [InlineData("""{"role": "tool_call", "data": {"id": "", "name": "f"}}""", "data.id is required")]
    [InlineData("""{"role": "tool_call", "data": {"id": "c1"}}""", "data.name is required")]
    public void Documented_tool_entry_without_its_data_is_rejected_naming_the_field(string entry, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$$"""[{{{Hello}}}, {{{entry}}}]"""));

    [Theory]
    [InlineData("true", "timestamp must be a number of seconds, got the boolean true")]
    [InlineData("-1", "timestamp must not be negative")]
    [InlineData("1760710083.12", "timestamp 1760710083.12 is not seconds from the call start (it looks like an epoch time): send epoch seconds as created_at")]
    public void Bad_list_form_timestamps_are_rejected(string timestamp, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$$"""[{{{Hello}}}, {"role": "user", "content": "Hi", "timestamp": {{{timestamp}}}}]"""));

    [Fact]
    public void Timestamps_mixed_with_epoch_times_are_rejected_naming_the_odd_entries() =>
        Assert.Equal(["entry 2: timestamp is seconds from the call start but other entries have epoch times (created_at, metrics); use one or the other"],
            Problems("""
                [{"role": "assistant", "content": "a", "created_at": 1760710083.1},
                 {"type": "function_call", "call_id": "c", "name": "f", "created_at": 1760710084.2},
                 {"role": "user", "content": "b", "timestamp": 3.5}]
                """));

    [Fact]
    public void Pipecat_messages_sent_as_livekit_are_named_as_pipecat() =>
        Assert.Equal(
        [
            "this looks like a pipecat transcript, not livekit: set transcript_type to \"pipecat\"",
            "entry 0: timestamp must be a number of seconds, got the string \"2025-10-17T14:08:03.120+00:00\"",
        ], Problems("""[{"role": "assistant", "content": "Hi", "timestamp": "2025-10-17T14:08:03.120+00:00"}]"""));

    [Fact]
    public void Retell_turns_sent_as_livekit_are_named_as_retell_rather_than_skipped_silently() =>
        Assert.Equal(["this looks like a retell transcript, not livekit: set transcript_type to \"retell\""],
            Problems("""[{"role": "agent", "content": "Hi", "words": [{"word": "Hi", "start": 0.1, "end": 0.3}]}]"""));

    [Fact]
    public void Items_object_and_its_bare_list_give_the_same_transcript()
    {
        var items = JsonDocument.Parse(LiveKitFixtures.NormalCall).RootElement.GetProperty("items").GetRawText();

        Assert.Equal(Parse(LiveKitFixtures.NormalCall), Parse(items));
        Assert.Equal(Parse(LiveKitFixtures.NormalCall), Parse($$$"""{"chat_history": {"items": {{{items}}}}, "room": "r"}"""));
    }

    [Fact]
    public void Recording_start_beside_a_bare_history_is_the_zero_point() =>
        AssertEntries([Agent("Hi.", 2, 3)], Parse("""
            {"audio_recording_started_at": 1000, "items": [{"type": "message", "role": "assistant", "content": ["Hi."],
              "metrics": {"started_speaking_at": 1002, "stopped_speaking_at": 1003}}]}
            """));

    [Fact]
    public void Null_recording_start_falls_back_to_the_earliest_time() =>
        AssertEntries([Agent("Hi.", 0, 1)], Parse("""
            {"audio_recording_started_at": null, "chat_history": {"items": [{"type": "message", "role": "assistant", "content": ["Hi."],
              "metrics": {"started_speaking_at": 1002, "stopped_speaking_at": 1003}}]}}
            """));

    [Fact]
    public void Times_before_the_recording_started_are_clamped_to_zero() =>
        AssertEntries([Call(0, "c1", "warm_up", "{}"), Agent("Hi.", 0, 0.5)], Parse("""
            {"audio_recording_started_at": 1000, "chat_history": {"items": [
              {"type": "function_call", "call_id": "c1", "name": "warm_up", "arguments": "{}", "created_at": 998.2},
              {"type": "message", "role": "assistant", "content": ["Hi."], "metrics": {"started_speaking_at": 999.5, "stopped_speaking_at": 1000.5}}]}}
            """));

    [Fact]
    public void Items_are_ordered_by_start_with_untimed_items_after_their_timed_predecessor() =>
        Assert.Equal(["early", "untimed", "late"], Parse("""
            {"items": [
              {"type": "message", "role": "user", "content": ["late"], "created_at": 50},
              {"type": "message", "role": "assistant", "content": ["early"], "created_at": 10},
              {"type": "message", "role": "assistant", "content": ["untimed"]}]}
            """).Select(e => e.Content));

    [Fact]
    public void Message_without_type_is_a_message_and_unknown_types_are_skipped() =>
        AssertEntries([Caller("Hi.", null, null), Agent("Hello.", null, null)], Parse("""
            {"items": [{"role": "user", "content": ["Hi."]}, {"type": "realtime_thought", "text": "greet"}, {"type": "message", "role": "assistant", "content": ["Hello."]}]}
            """));

    [Fact]
    public void Content_parts_are_trimmed_joined_with_a_space_and_non_text_parts_skipped() =>
        Assert.Equal("Sure. Tuesday at ten?", Assert.Single(Parse("""
            [{"role": "assistant", "content": [" Sure. ", {"type": "image_content", "image": "data:image/png;base64,iVBO"}, null, "", "Tuesday at ten?"]}]
            """)).Content);

    [Fact]
    public void Function_items_accept_numeric_ids_object_arguments_and_missing_payloads() =>
        AssertEntries([Call(null, "17", "lookup", """{"q": 1}"""), Result(null, "17", "lookup", "", isError: false)], Parse("""
            {"items": [{"type": "function_call", "call_id": 17, "name": "lookup", "arguments": {"q": 1}},
                       {"type": "function_call_output", "call_id": 17, "is_error": false}]}
            """));

    [Fact]
    public void Output_without_its_call_keeps_an_empty_name() =>
        Assert.Equal("", Assert.Single(Parse("""[{"type": "function_call_output", "call_id": "x", "name": "", "output": "ok"}]""")).Data!.Name);

    [Fact]
    public void Start_from_created_at_with_a_later_stop_keeps_the_stop_as_end() =>
        AssertEntries([Agent("Hi.", 0, 1.5)], Parse("""
            [{"type": "message", "role": "assistant", "content": ["Hi."], "created_at": 100, "metrics": {"stopped_speaking_at": 101.5}}]
            """));

    [Theory]
    [InlineData("""{"items": []}""")]
    [InlineData("""{"items": [{"type": "message", "role": "system", "content": ["Be nice."]}]}""")]
    [InlineData("""[{"role": "assistant", "content": []}, {"role": "user", "content": null}, {"role": "user"}]""")]
    public void Transcript_without_speech_is_rejected_by_the_registry(string json)
    {
        var parsers = new TranscriptParsers([Parser]);
        using var document = JsonDocument.Parse(json);

        Assert.Empty(Parser.Parse(document.RootElement));
        Assert.Equal(["the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"],
            Assert.Throws<TranscriptFormatException>(() => parsers.Parse("livekit", document.RootElement)).Problems);
    }

    // ---- invalid input -------------------------------------------------------------------------------------------

    private const string ExpectedShapes =
        "expected {\"items\": [...]} (session.history.to_dict()), a session report with chat_history.items, or a list of {role, content} messages";

    [Theory]
    [InlineData("42", "the number 42")]
    [InlineData("\"assistant: hi\"", "the string \"assistant: hi\"")]
    [InlineData("null", "null")]
    public void Root_that_is_neither_array_nor_object_is_rejected(string json, string described) =>
        Assert.Equal([$"{ExpectedShapes}, got {described}"], Problems(json));

    [Fact]
    public void Object_without_items_or_chat_history_is_rejected() =>
        Assert.Equal([$"{ExpectedShapes}, got an object without items or chat_history"], Problems("""{"messages": []}"""));

    [Theory]
    [InlineData("""{"items": {"role": "user"}}""", "items must be an array of chat items, got an object")]
    [InlineData("""{"items": null}""", "items must be an array of chat items, got null")]
    [InlineData("""{"chat_history": []}""", "chat_history must be an object with items, got an array")]
    [InlineData("""{"chat_history": {"messages": []}}""", "chat_history must be an object with items, got an object")]
    [InlineData("""{"chat_history": {"items": "none"}}""", "chat_history.items must be an array of chat items, got the string \"none\"")]
    [InlineData("""{"audio_recording_started_at": "at noon", "chat_history": {"items": []}}""", "audio_recording_started_at must be a number of seconds, got the string \"at noon\"")]
    [InlineData("""{"audio_recording_started_at": -5, "items": []}""", "audio_recording_started_at must not be negative")]
    public void Wrapper_problems_name_the_path(string json, string problem) =>
        Assert.Equal([problem], Problems(json));

    [Fact]
    public void Item_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["entry 1: expected an object, got the string \"user: hi\""], Problems($$$"""[{{{Hello}}}, "user: hi"]"""));

    [Fact]
    public void Type_that_is_not_a_string_is_rejected() =>
        Assert.Equal(["entry 1: type must be a string, got the number 3"], Problems($$$"""[{{{Hello}}}, {"type": 3, "role": "user"}]"""));

    [Theory]
    [InlineData("agent")]
    [InlineData("bot")]
    [InlineData("Assistant")]
    [InlineData("tool")]
    public void Role_outside_livekit_roles_is_skipped_without_a_problem(string role) =>
        AssertEntries([Agent("Hello.", null, null)],
            Parse($$$"""{"items": [{{{Hello}}}, {"type": "message", "role": "{{{role}}}", "content": {"not": "read"}, "created_at": "never"}]}"""));

    [Fact]
    public void Missing_role_is_rejected() =>
        Assert.Equal(["entry 1: role is required"], Problems($$$"""[{{{Hello}}}, {"type": "message", "content": ["Hi"]}]"""));

    [Fact]
    public void Non_string_role_is_rejected() =>
        Assert.Equal(["entry 0: role must be a string, got an array"], Problems("""[{"role": ["user"], "content": "Hi"}]"""));

    [Theory]
    [InlineData("5", "content must be a list of strings, got the number 5")]
    [InlineData("{\"text\": \"Hi\"}", "content must be a list of strings, got an object")]
    [InlineData("[\"Hi\", 5]", "content[1] must be a string, got the number 5")]
    [InlineData("[[\"Hi\"]]", "content[0] must be a string, got an array")]
    [InlineData("[true]", "content[0] must be a string, got the boolean true")]
    public void Content_that_is_not_text_is_rejected(string content, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$$"""[{{{Hello}}}, {"role": "user", "content": {{{content}}}}]"""));

    [Fact]
    public void Content_of_a_dropped_system_message_is_still_checked() =>
        Assert.Equal(["entry 0: content must be a list of strings, got the number 1"], Problems("""[{"role": "system", "content": 1}, {"role": "user", "content": "Hi"}]"""));

    [Theory]
    [InlineData("metrics", "\"fast\"", "metrics must be an object, got the string \"fast\"")]
    [InlineData("created_at", "\"yesterday\"", "created_at must be a number of seconds, got the string \"yesterday\"")]
    [InlineData("created_at", "-1", "created_at must not be negative")]
    [InlineData("created_at", "\"Infinity\"", "created_at must be a number of seconds, got the string \"Infinity\"")]
    public void Bad_message_times_are_rejected(string field, string value, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$$"""[{{{Hello}}}, {"role": "user", "content": ["Hi"], "{{{field}}}": {{{value}}}}]"""));

    [Theory]
    [InlineData("started_speaking_at", "[1]", "metrics.started_speaking_at must be a number of seconds, got an array")]
    [InlineData("stopped_speaking_at", "true", "metrics.stopped_speaking_at must be a number of seconds, got the boolean true")]
    [InlineData("started_speaking_at", "-3", "metrics.started_speaking_at must not be negative")]
    public void Bad_speaking_metrics_are_rejected(string field, string value, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$$"""[{{{Hello}}}, {"role": "user", "content": ["Hi"], "metrics": {"{{{field}}}": {{{value}}}}}]"""));

    [Fact]
    public void Stop_before_start_is_rejected_whatever_the_server_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(["entry 1: metrics.stopped_speaking_at 1700000001.5 is before metrics.started_speaking_at 1700000002.25"],
                Problems($$$"""[{{{Hello}}}, {"role": "user", "content": ["Hi"], "metrics": {"started_speaking_at": 1700000002.25, "stopped_speaking_at": 1700000001.5}}]"""));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Function_call_needs_call_id_and_name() =>
        Assert.Equal(["entry 1: call_id is required", "entry 1: name is required"],
            Problems($$$"""[{{{Hello}}}, {"type": "function_call", "arguments": "{}"}]"""));

    [Theory]
    [InlineData("function_call", "\"call_id\": \"\", \"name\": \"f\"", "call_id must not be empty")]
    [InlineData("function_call", "\"call_id\": \"c\", \"name\": {\"n\": 1}", "name must be a string, got an object")]
    [InlineData("function_call_output", "\"output\": \"ok\"", "call_id is required")]
    [InlineData("function_call_output", "\"call_id\": [1], \"output\": \"ok\"", "call_id must be a string, got an array")]
    [InlineData("function_call_output", "\"call_id\": \"c\", \"name\": false", "name must be a string, got the boolean false")]
    [InlineData("function_call_output", "\"call_id\": \"c\", \"created_at\": \"later\"", "created_at must be a number of seconds, got the string \"later\"")]
    public void Bad_function_items_are_rejected(string type, string fields, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$$"""[{{{Hello}}}, {"type": "{{{type}}}", {{{fields}}}}]"""));

    [Fact]
    public void More_than_twenty_problems_are_capped_at_twenty()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"type": "message", "role": "user", "content": 7, "created_at": "x"}""", 30));
        var problems = Problems($$$"""{"items": [{{{bad}}}]}""");

        Assert.Equal(20, problems.Count);
        Assert.Equal("entry 0: content must be a list of strings, got the number 7", problems[0]);
        Assert.Equal("entry 9: created_at must be a number of seconds, got the string \"x\"", problems[19]);
    }
}
