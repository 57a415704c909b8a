using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Pipecat;

namespace Cekura.Ingest.Tests.Providers.Pipecat;

public sealed class PipecatTranscriptParserTests
{
    private const string RootShapes = "a list of Pipecat messages {role, content, timestamp?} or an object with a \"messages\" list";
    private const string ContentShapes = "a string, a list of {type: \"text\", text} parts or null";
    private const string IsoExample = "an ISO 8601 date-time such as \"2025-10-17T14:08:03.120+00:00\"";

    private static readonly PipecatTranscriptParser Parser = new();

    private static IReadOnlyList<TranscriptEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.Parse(document.RootElement);
    }

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<TranscriptFormatException>(() => Parse(json)).Problems;

    private static TranscriptEntry Agent(string content, double? start = null, double? end = null) =>
        new() { Role = TranscriptRoles.MainAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Caller(string content, double? start = null, double? end = null) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Call(string id, string name, string arguments) =>
        new() { Role = TranscriptRoles.FunctionCall, Content = "", Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments } };

    private static TranscriptEntry Result(string id, string name, string result, bool? isError = null) =>
        new() { Role = TranscriptRoles.FunctionCallResult, Content = "", Data = new FunctionCallData { Id = id, Name = name, Result = result, IsError = isError } };

    /// <summary>Start plus the speaking-rate estimate for that many words (150 words a minute).</summary>
    private static double Said(double start, int words) => start + words / 2.5;

    private static void AssertEntries(IReadOnlyList<TranscriptEntry> expected, IReadOnlyList<TranscriptEntry> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            Assert.True(expected[i] == actual[i], $"entry {i}:\n expected {expected[i]}\n actual   {actual[i]}");
        }
        Assert.Equal(expected.Count, actual.Count);
    }

    [Fact]
    public void Type_is_pipecat() => Assert.Equal(["pipecat"], Parser.Types);

    [Fact]
    public void Transcript_messages_are_timed_from_the_first_timestamp_and_end_at_the_next_turn_or_the_speaking_rate_estimate() =>
        AssertEntries(
        [
            Agent("Thanks for calling Harbor Vet Clinic, this is Milo. How can I help?", 0, 4.65),
            Caller("Hi, my dog Biscuit needs his rabies booster.", 4.65, Said(4.65, 8)),
            Agent("Happy to help. What day works best for you?", 8.23, 10.76),
            Caller("Thursday afternoon if possible.", 10.76, Said(10.76, 4)),
            Agent("Thursday at three is open. Shall I book it?", 13.48, Said(13.48, 9)),
            Caller("Yes please.", 17.15, Said(17.15, 2)),
        ], Parse(PipecatFixtures.NormalCall));

    [Fact]
    public void Llm_context_gives_untimed_turns_and_function_entries_in_order_without_the_system_prompt() =>
        AssertEntries(
        [
            Agent("Thanks for calling Harbor Vet Clinic. How can I help?"),
            Caller("Can you check if Biscuit is due for anything?"),
            Call("call_7fKp2Q", "lookup_patient", """{"pet_name": "Biscuit", "phone": "+14155550142"}"""),
            Result("call_7fKp2Q", "lookup_patient", """{"due": ["rabies booster"], "last_visit": "2024-11-02"}"""),
            Agent("Biscuit is due for his rabies booster. Want me to find a slot?"),
            Caller("Yes, Thursday please."),
            Agent("Let me look."),
            Call("call_Zr81mX", "find_slots", """{"day": "thursday"}"""),
            Call("call_Q0a9Lw", "get_vet_on_duty", "{}"),
            Result("call_Zr81mX", "find_slots", """{"slots": ["15:00", "16:30"]}"""),
            Result("call_Q0a9Lw", "get_vet_on_duty", "COMPLETED"),
            Agent("I have three or four thirty with Dr. Okafor."),
        ], Parse(PipecatFixtures.LlmContextWithTools));

    [Fact]
    public void Context_tool_calls_are_placed_after_the_matching_turn_of_the_timed_messages() =>
        AssertEntries(
        [
            Agent("Good afternoon, Bloom Dental, this is Ava.", 0, 2.8),
            Caller("hi can I move my cleaning to friday", 3.59, Said(3.59, 8)),
            Call("call_Qm2x81", "find_slots", """{"day": "friday"}"""),
            Result("call_Qm2x81", "find_slots", """{"slots": ["10:00", "14:30"]}"""),
            Agent("Friday works, I have ten o'clock or two thirty.", 8.28, Said(8.28, 9)),
            Caller("Two thirty, please.", 11.93, Said(11.93, 3)),
            Call("call_Hb7c02", "book_appointment", """{"day": "friday", "time": "14:30"}"""),
            Result("call_Hb7c02", "book_appointment", """{"confirmed": true}"""),
            Agent("Done, you're booked for Friday at two thirty.", 16.76, Said(16.76, 8)),
        ], Parse(PipecatFixtures.MessagesWithContext));

    [Fact]
    public void Turn_event_quirks_are_tolerated_and_empty_turns_skipped() =>
        AssertEntries(
        [
            Agent("Hey there, thanks for calling Lumen Energy. What can I do for you?", 0, 3.738),
            Caller("My bill doubled this month.", 3.738, Said(3.738, 5)),
            Caller("Sure, it's under Priya Raman.", 7.188123, 7.508),
            Agent("I'm sorry to hear that. Let me pull up your account.", 7.508, Said(7.508, 11)),
            Agent("Thanks, Priya. I see a meter estimate on this bill.", 12.368, Said(12.368, 10)),
        ], Parse(PipecatFixtures.TurnEventQuirks));

    [Fact]
    public void Own_timed_form_keeps_its_seconds_and_derives_a_missing_end() =>
        AssertEntries(
        [
            Agent("Hello, you've reached Fern & Co. How may I help?", 0.4, 3.15),
            Caller("I'd like to check an order.", 4.02, 5.6),
            Call("call_1", "get_order", """{"order_id": "A-1182"}"""),
            Result("call_1", "get_order", """{"status": "shipped"}"""),
            Agent("It shipped yesterday.", 7.1, Said(7.1, 3)),
        ], Parse(PipecatFixtures.OwnTimedForm));

    [Fact]
    public void Bare_list_and_messages_object_parse_the_same()
    {
        const string messages = """
            [{"role": "assistant", "content": "Hi there.", "timestamp": "2025-01-01T10:00:00Z"},
             {"role": "user", "content": "Hello.", "timestamp": "2025-01-01T10:00:02Z"}]
            """;

        Assert.Equal(Parse(messages), Parse($$"""{"messages": {{messages}}}"""));
    }

    [Fact]
    public void Context_alone_is_accepted() =>
        AssertEntries([Agent("Hi."), Call("c1", "f", "{}"), Result("c1", "f", "ok")], Parse("""
            {"context": [{"role": "assistant", "content": "Hi.", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                         {"role": "tool", "tool_call_id": "c1", "content": "ok"}]}
            """));

    [Fact]
    public void Context_given_as_an_llm_context_object_with_messages_is_accepted() =>
        AssertEntries([Caller("Hi.")], Parse("""{"context": {"messages": [{"role": "user", "content": "Hi."}]}}"""));

    // Cekura's documented Pipecat tool entries (transcript-formats.md): {role: "tool_call", data: {id, name, arguments}}
    // and {role: "tool_call_result", data: {id, name, result}}; the data is Cekura's own transcript-format example.
    private const string DocumentedToolCall = """
        {"role": "tool_call", "data": {"id": "call_5otWH44dxeXEHY8RlhYYaFbV", "name": "bookUserAppointment", "arguments": "{\"name\": \"John\", \"datetime\": \"2024-10-17T18:00:00\"}"}}
        """;

    private const string DocumentedToolResult = """
        {"role": "tool_call_result", "data": {"id": "call_5otWH44dxeXEHY8RlhYYaFbV", "name": "bookUserAppointment", "result": "No result returned."}}
        """;

    private static readonly TranscriptEntry BookCall =
        Call("call_5otWH44dxeXEHY8RlhYYaFbV", "bookUserAppointment", """{"name": "John", "datetime": "2024-10-17T18:00:00"}""");

    private static readonly TranscriptEntry BookResult = Result("call_5otWH44dxeXEHY8RlhYYaFbV", "bookUserAppointment", "No result returned.");

    [Fact]
    public void Documented_tool_entries_among_timed_turns_are_function_entries() =>
        AssertEntries(
        [
            Agent("6 PM.", 17.609999, 18.269999),
            Caller("Great. I'll book that for you. Just a sec.", 19.16, 21.45),
            BookCall,
            BookResult,
            Agent("Okay.", 22.75, 23.25),
        ], Parse($$"""
            [{"role": "assistant", "content": "6 PM.", "start_time": 17.609999, "end_time": 18.269999},
             {"role": "user", "content": "Great. I'll book that for you. Just a sec.", "start_time": 19.16, "end_time": 21.45},
             {{DocumentedToolCall}},
             {{DocumentedToolResult}},
             {"role": "assistant", "content": "Okay.", "start_time": 22.75, "end_time": 23.25}]
            """));

    [Fact]
    public void Documented_tool_entries_among_transcript_messages_keep_the_messages_timed() =>
        AssertEntries(
        [
            Agent("Thanks for calling Bloom Dental, this is Ava.", 0, Said(0, 8)),
            BookCall,
            BookResult,
            Caller("Hi, can I move my cleaning to Friday?", 3.59, Said(3.59, 8)),
        ], Parse($$"""
            {"messages": [
              {"role": "assistant", "content": "Thanks for calling Bloom Dental, this is Ava.", "timestamp": "2025-10-17T14:08:03.120+00:00"},
              {{DocumentedToolCall}},
              {{DocumentedToolResult}},
              {"role": "user", "content": "Hi, can I move my cleaning to Friday?", "user_id": "+16505550188", "timestamp": "2025-10-17T14:08:06.710+00:00"}]}
            """));

    [Fact]
    public void Documented_tool_entries_fixture_skips_the_unknown_role() =>
        AssertEntries(
        [
            Agent("Thanks for calling Bloom Dental, this is Ava.", 0, Said(0, 8)),
            Caller("Hi, can I move my cleaning to Friday?", 3.59, Said(3.59, 8)),
            Call("call_Qm2x81", "find_slots", """{"day": "friday"}"""),
            Result("call_Qm2x81", "find_slots", """{"slots": ["10:00", "14:30"]}"""),
            // the assistant_thought entry is a role we do not use: skipped
            Agent("Friday works, I have ten o'clock or two thirty.", 8.28, Said(8.28, 9)),
        ], Parse(PipecatFixtures.DocumentedToolEntries));

    [Fact]
    public void Documented_tool_entries_keep_their_own_times_and_error_flag() =>
        AssertEntries(
        [
            Agent("One moment.", 1, 2),
            Call("c1", "f", "{}") with { StartTime = 2.5, EndTime = 2.5 },
            Result("c1", "f", "timeout", isError: true) with { StartTime = 3.1 },
        ], Parse("""
            [{"role": "assistant", "content": "One moment.", "start_time": 1, "end_time": 2},
             {"role": "tool_call", "content": "", "start_time": 2.5, "end_time": 2.5, "data": {"id": "c1", "name": "f", "arguments": "{}"}},
             {"role": "tool_call_result", "start_time": 3.1, "data": {"id": "c1", "name": "f", "result": "timeout", "is_error": true}}]
            """));

    [Fact]
    public void Documented_tool_entries_are_not_repeated_from_the_context() =>
        AssertEntries([Agent("Hi."), BookCall, BookResult], Parse($$$"""
            {"messages": [{"role": "assistant", "content": "Hi."}, {{{DocumentedToolCall}}}, {{{DocumentedToolResult}}}],
             "context": [{"role": "assistant", "content": "Hi.", "tool_calls": [{"id": "call_5otWH44dxeXEHY8RlhYYaFbV", "type": "function",
                           "function": {"name": "bookUserAppointment", "arguments": "{}"}}]},
                         {"role": "tool", "tool_call_id": "call_5otWH44dxeXEHY8RlhYYaFbV", "content": "No result returned."}]}
            """));

    [Theory]
    [InlineData("""{"role": "tool_call"}""", "a 'tool_call' entry needs data {id, name, arguments}")]
    [InlineData("""{"role": "tool_call_result", "data": "ok"}""", "a 'tool_call_result' entry needs data {id, name, result}")]
    [InlineData("""{"role": "tool_call", "data": {"name": "f", "arguments": "{}"}}""", "data.id is required")]
    [InlineData("""{"role": "tool_call_result", "data": {"id": "c1", "result": "ok"}}""", "data.name is required")]
    public void Documented_tool_entry_without_its_data_is_rejected_naming_the_field(string entry, string problem) =>
        Assert.Equal([$"entry 1: {problem}"], Problems($$"""[{"role": "user", "content": "a"}, {{entry}}]"""));

    [Fact]
    public void Cekura_transcript_sent_as_pipecat_is_named_as_cekura() =>
        Assert.Equal(["this looks like a cekura transcript, not pipecat: set transcript_type to \"cekura\""],
            Problems("""[{"role": "Main Agent", "content": "Hi", "start_time": 0, "end_time": 1}]"""));

    [Fact]
    public void Context_tool_entries_follow_the_last_matched_turn_before_them_else_precede_the_next_matched_one() =>
        AssertEntries(
        [
            Call("a", "early", "{}"),
            Agent("Hello.", 0, 1),
            Call("b", "late", "{}"),
            Caller("Bye.", 2, 3),
        ], Parse("""
            {"messages": [{"role": "assistant", "content": "Hello.", "start_time": 0, "end_time": 1},
                          {"role": "user", "content": "Bye.", "start_time": 2, "end_time": 3}],
             "context": [{"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "early", "arguments": "{}"}}]},
                         {"role": "assistant", "content": "Hello."},
                         {"role": "user", "content": "Something the transcript never heard."},
                         {"role": "assistant", "content": "Nor this."},
                         {"role": "assistant", "tool_calls": [{"id": "b", "type": "function", "function": {"name": "late", "arguments": "{}"}}]}]}
            """));

    [Fact]
    public void Context_tool_entries_with_no_matched_turn_at_all_go_at_the_end() =>
        AssertEntries([Agent("Hello.", 0, 1), Caller("Bye.", 2, 3), Call("a", "f", "{}"), Result("a", "f", "ok")], Parse("""
            {"messages": [{"role": "assistant", "content": "Hello.", "start_time": 0, "end_time": 1},
                          {"role": "user", "content": "Bye.", "start_time": 2, "end_time": 3}],
             "context": [{"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                         {"role": "tool", "tool_call_id": "a", "content": "ok"}]}
            """));

    [Fact]
    public void Tool_entries_already_in_the_messages_are_not_repeated_from_the_context() =>
        AssertEntries([Agent("Hi."), Call("c1", "f", "{}")], Parse("""
            {"messages": [{"role": "assistant", "content": "Hi.", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}],
             "context": [{"role": "assistant", "content": "Hi.", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}]}
            """));

    [Fact]
    public void Tool_result_without_a_matching_call_keeps_its_own_name_or_none() =>
        AssertEntries([Caller("Hi."), Result("x", "lookup", "done"), Result("y", "", "")], Parse("""
            [{"role": "user", "content": "Hi."},
             {"role": "tool", "tool_call_id": "x", "name": "lookup", "content": "done"},
             {"role": "tool", "tool_call_id": "y", "content": null}]
            """));

    [Fact]
    public void Non_function_tool_calls_and_developer_messages_are_skipped() =>
        AssertEntries([Agent("Hi.")], Parse("""
            [{"role": "developer", "content": "Tool finished in the background."},
             {"role": "assistant", "content": "Hi.", "tool_calls": [{"id": "x", "type": "custom", "custom": {"name": "grammar", "input": "a"}}]}]
            """));

    [Fact]
    public void Content_parts_other_than_text_are_skipped() =>
        AssertEntries([Caller("What is this?")], Parse("""
            [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "UklGR", "format": "wav"}}, {"type": "text", "text": "What is this?"}]}]
            """));

    [Fact]
    public void Timestamp_without_offset_is_read_as_utc() =>
        AssertEntries([Agent("One.", 0, Said(0, 1)), Caller("Two.", 0.5, Said(0.5, 1))], Parse("""
            [{"role": "assistant", "content": "One.", "timestamp": "2025-01-01T10:00:00"},
             {"role": "user", "content": "Two.", "timestamp": "2025-01-01T10:00:00.500Z"}]
            """));

    [Fact]
    public void A_skipped_empty_turn_still_sets_the_zero_point() =>
        AssertEntries([Agent("Hi.", 2, Said(2, 1))], Parse("""
            [{"role": "user", "content": null, "timestamp": "2025-01-01T10:00:00Z"},
             {"role": "assistant", "content": "Hi.", "timestamp": "2025-01-01T10:00:02Z"}]
            """));

    [Theory]
    [InlineData("42", "the number 42")]
    [InlineData("\"hello\"", "the string \"hello\"")]
    [InlineData("null", "null")]
    [InlineData("""{"items": []}""", "an object without \"messages\"")]
    [InlineData("""{"messages": null}""", "an object without \"messages\"")]
    public void Root_that_is_neither_a_list_nor_a_messages_object_is_rejected(string json, string described) =>
        Assert.Equal([$"expected {RootShapes}, got {described}"], Problems(json));

    [Fact]
    public void Messages_that_is_not_an_array_is_rejected() =>
        Assert.Equal(["messages must be an array of {role, content, timestamp?} messages, got the string \"[]\""],
            Problems("""{"messages": "[]"}"""));

    [Fact]
    public void Context_that_is_not_an_array_is_rejected() =>
        Assert.Equal(["context must be an array of OpenAI-format LLM context messages, got the number 1"],
            Problems("""{"messages": [], "context": 1}"""));

    [Fact]
    public void Entry_that_is_not_an_object_is_rejected_naming_the_entry() =>
        Assert.Equal(["entry 1: expected an object, got the string \"assistant: hi\""],
            Problems("""[{"role": "user", "content": "Hi."}, "assistant: hi"]"""));

    [Fact]
    public void Missing_role_is_rejected_naming_the_entry() =>
        Assert.Equal(["entry 2: role is required"],
            Problems("""[{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"content": "c", "timestamp": "2025-01-01T10:00:00Z"}]"""));

    [Theory]
    [InlineData("bot")]
    [InlineData("Main Agent")]
    [InlineData("function")]
    [InlineData("agent_handoff")]
    public void Unknown_role_is_skipped_without_a_problem(string role) =>
        AssertEntries([Caller("a")], Parse($$$"""[{"role": "user", "content": "a"}, {"role": "{{{role}}}", "content": {"not": "read"}}]"""));

    [Theory]
    [InlineData("3", "the number 3")]
    [InlineData("[\"user\"]", "an array")]
    public void Role_that_is_not_a_string_is_rejected_naming_the_entry(string role, string described) =>
        Assert.Equal([$"entry 1: role must be a string, got {described}"],
            Problems($$"""[{"role": "user", "content": "a"}, {"role": {{role}}, "content": "b"}]"""));

    [Theory]
    [InlineData("5", "the number 5")]
    [InlineData("""{"text": "hi"}""", "an object")]
    [InlineData("true", "the boolean true")]
    public void Content_of_another_kind_is_rejected(string content, string described) =>
        Assert.Equal([$"entry 0: content must be {ContentShapes}, got {described}"],
            Problems($$"""[{"role": "assistant", "content": {{content}}}]"""));

    [Fact]
    public void Content_part_of_another_kind_is_rejected_with_its_index() =>
        Assert.Equal(["entry 0: content[1] must be a {type: \"text\", text} part, got the number 7", "entry 0: content[2].text must be a string, got an array"],
            Problems("""[{"role": "user", "content": [{"type": "text", "text": "a"}, 7, {"type": "text", "text": []}]}]"""));

    [Theory]
    [InlineData("\"yesterday\"", "the string \"yesterday\"")]
    [InlineData("\"10/17/2025 14:08:03\"", "the string \"10/17/2025 14:08:03\"")]
    [InlineData("\"2025-13-45T99:00:00Z\"", "the string \"2025-13-45T99:00:00Z\"")]
    [InlineData("1760710083.12", "the number 1760710083.12")]
    public void Timestamp_that_is_not_an_iso_date_time_is_rejected(string timestamp, string described) =>
        Assert.Equal([$"entry 1: timestamp must be {IsoExample}, got {described}"],
            Problems($$"""[{"role": "user", "content": "a"}, {"role": "assistant", "content": "b", "timestamp": {{timestamp}}}]"""));

    [Fact]
    public void Tool_message_without_tool_call_id_is_rejected() =>
        Assert.Equal(["entry 1: tool_call_id is required for a 'tool' message"],
            Problems("""[{"role": "user", "content": "a"}, {"role": "tool", "content": "ok"}]"""));

    [Fact]
    public void Tool_calls_that_is_not_an_array_is_rejected() =>
        Assert.Equal(["entry 0: tool_calls must be an array of {id, type, function: {name, arguments}}, got an object"],
            Problems("""[{"role": "assistant", "tool_calls": {"id": "c"}}]"""));

    [Fact]
    public void Tool_call_without_id_function_or_name_is_rejected_with_its_path() =>
        Assert.Equal(
        [
            "entry 0: tool_calls[0].id is required",
            "entry 0: tool_calls[1].function must be an object {name, arguments}",
            "entry 0: tool_calls[2].function.name is required",
            "entry 0: tool_calls[3] must be an object {id, type, function: {name, arguments}}, got the string \"f\"",
        ], Problems("""
            [{"role": "assistant", "tool_calls": [
              {"type": "function", "function": {"name": "f", "arguments": "{}"}},
              {"id": "b", "type": "function"},
              {"id": "c", "type": "function", "function": {"arguments": "{}"}},
              "f"]}]
            """));

    [Fact]
    public void Negative_seconds_are_rejected() =>
        Assert.Equal(["entry 0: times must not be negative"],
            Problems("""[{"role": "assistant", "content": "a", "start_time": -1, "end_time": 2}]"""));

    [Fact]
    public void End_before_start_is_rejected() =>
        Assert.Equal(["entry 0: end_time 1.5 is before start_time 2.25"],
            Problems("""[{"role": "assistant", "content": "a", "start_time": 2.25, "end_time": 1.5}]"""));

    [Fact]
    public void Seconds_that_are_not_numbers_are_rejected() =>
        Assert.Equal(["entry 0: start_time must be a number of seconds, got the string \"NaN\""],
            Problems("""[{"role": "assistant", "content": "a", "start_time": "NaN"}]"""));

    [Fact]
    public void Timestamps_mixed_with_seconds_are_rejected_naming_the_odd_entries() =>
        Assert.Equal(["entry 2: timestamp is an ISO date-time but other entries use start_time/end_time seconds; use one or the other"],
            Problems("""
                [{"role": "assistant", "content": "a", "start_time": 0, "end_time": 1},
                 {"role": "user", "content": "b", "start_time": 2, "end_time": 3},
                 {"role": "assistant", "content": "c", "timestamp": "2025-01-01T10:00:00Z"}]
                """));

    [Fact]
    public void Problems_in_the_context_name_the_context_entry() =>
        Assert.Equal(["context entry 1: tool_call_id is required for a 'tool' message"],
            Problems("""{"messages": [{"role": "user", "content": "a"}], "context": [{"role": "user", "content": "a"}, {"role": "tool"}]}"""));

    [Fact]
    public void Every_problem_of_an_entry_is_reported() =>
        Assert.Equal(
        [
            "entry 0: start_time must be a number of seconds, got the boolean true",
            $"entry 0: timestamp must be {IsoExample}, got the string \"soon\"",
            $"entry 0: content must be {ContentShapes}, got the number 3",
        ], Problems("""[{"role": "user", "content": 3, "start_time": true, "timestamp": "soon"}]"""));

    [Fact]
    public void More_than_twenty_bad_entries_report_at_most_twenty_problems()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"role": "user", "content": 5}""", 30));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"entry {i}: content must be {ContentShapes}, got the number 5"), Problems($"[{bad}]"));
    }

    [Fact]
    public void A_transcript_of_only_tool_entries_has_no_speech_turn()
    {
        using var document = JsonDocument.Parse("""
            [{"role": "system", "content": "Be nice."},
             {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
             {"role": "user", "content": null}]
            """);

        var error = Assert.Throws<TranscriptFormatException>(() => new TranscriptParsers([Parser]).Parse("pipecat", document.RootElement));

        Assert.Equal(["the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"], error.Problems);
    }
}
