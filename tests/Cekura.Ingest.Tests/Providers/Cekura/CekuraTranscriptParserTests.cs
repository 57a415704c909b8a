using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Tests.Observe;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Cekura;

namespace Cekura.Ingest.Tests.Providers.Cekura;

public sealed class CekuraTranscriptParserTests
{
    private const string RoleList = "'Main Agent', 'Testing Agent', 'Function Call', 'Function Call Result'";

    private static readonly CekuraTranscriptParser Parser = new();

    private static IReadOnlyList<TranscriptEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parser.Parse(document.RootElement);
    }

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<TranscriptFormatException>(() => Parse(json)).Problems;

    /// <summary>A valid speech turn to surround the entry under test, so indexes are meaningful.</summary>
    private const string Hello = """{"role": "Testing Agent", "content": "Hello.", "start_time": 0, "end_time": 1}""";

    [Fact]
    public void Types_are_cekura_and_vocera() =>
        Assert.Equal(["cekura", "vocera"], Parser.Types);

    [Fact]
    public void Seed_example_parses_to_four_entries_with_exact_times()
    {
        var entries = Parse(Requests.SeedTranscript);

        Assert.Equal(
        [
            new TranscriptEntry { Role = "Testing Agent", Content = "Hello.", StartTime = 1.4399999, EndTime = 1.9399999 },
            new TranscriptEntry
            {
                Role = "Main Agent", Content = "Hello. I want to book appointment today. My name is John.",
                StartTime = 3.1, EndTime = 7.539999511718751,
            },
            new TranscriptEntry
            {
                Role = "Testing Agent", Content = "Well, I mean, sure. What time exactly are we talking about here",
                StartTime = 12.01, EndTime = 15.71,
            },
            new TranscriptEntry { Role = "Main Agent", Content = "6 PM.", StartTime = 17.609999, EndTime = 18.269999 },
        ], entries);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("user")]
    [InlineData("assistant")]
    [InlineData("main agent")]
    [InlineData("Main agent")]
    [InlineData("")]
    public void Role_outside_the_four_canonical_roles_is_rejected_naming_the_entry(string role) =>
        Assert.Equal([$"entry 3: role '{role}' is not one of {RoleList}"],
            Problems($$"""[{{Hello}}, {{Hello}}, {{Hello}}, {"role": "{{role}}", "content": "Hi", "start_time": 2, "end_time": 3}]"""));

    [Fact]
    public void Missing_role_is_rejected_naming_the_entry() =>
        Assert.Equal(["entry 1: role is required"], Problems($$"""[{{Hello}}, {"content": "Hi"}]"""));

    [Fact]
    public void Null_role_is_rejected_as_missing() =>
        Assert.Equal(["entry 0: role is required"], Problems("""[{"role": null, "content": "Hi"}]"""));

    [Fact]
    public void Numeric_role_is_rejected_naming_the_entry() =>
        Assert.Equal([$"entry 1: role the number 1 is not one of {RoleList}"], Problems($$"""[{{Hello}}, {"role": 1, "content": "Hi"}]"""));

    [Fact]
    public void Entry_that_is_not_an_object_is_rejected() =>
        Assert.Equal(["entry 1: expected an object, got the string \"Main Agent: hi\""], Problems($$"""[{{Hello}}, "Main Agent: hi"]"""));

    [Theory]
    [InlineData("5", "the number 5")]
    [InlineData("[\"Hi\"]", "an array")]
    [InlineData("{\"text\": \"Hi\"}", "an object")]
    [InlineData("true", "the boolean true")]
    public void Content_that_is_not_a_string_is_rejected(string content, string described) =>
        Assert.Equal([$"entry 0: content must be a string, got {described}"],
            Problems($$"""[{"role": "Main Agent", "content": {{content}}, "start_time": 0, "end_time": 1}]"""));

    [Theory]
    [InlineData("""{"role": "Main Agent"}""")]
    [InlineData("""{"role": "Testing Agent", "content": null}""")]
    public void Speech_turn_without_content_is_rejected(string entry) =>
        Assert.Equal(["entry 0: content is required for a speech turn"], Problems($"[{entry}]"));

    [Fact]
    public void Empty_content_is_a_valid_speech_turn() =>
        Assert.Equal("", Parse("""[{"role": "Main Agent", "content": ""}]""")[0].Content);

    [Fact]
    public void Times_as_numeric_strings_are_accepted()
    {
        var entry = Assert.Single(Parse("""[{"role": "Main Agent", "content": "Hi", "start_time": "1.5", "end_time": "2.75"}]"""));

        Assert.Equal(1.5, entry.StartTime);
        Assert.Equal(2.75, entry.EndTime);
    }

    [Fact]
    public void Missing_and_null_times_leave_the_turn_untimed()
    {
        var entries = Parse("""[{"role": "Main Agent", "content": "Hi"}, {"role": "Testing Agent", "content": "Yo", "start_time": null, "end_time": null}]""");

        Assert.All(entries, e => Assert.Null(e.StartTime));
        Assert.All(entries, e => Assert.Null(e.EndTime));
    }

    [Fact]
    public void Start_without_end_is_accepted()
    {
        var entry = Assert.Single(Parse("""[{"role": "Main Agent", "content": "Hi", "start_time": 4}]"""));

        Assert.Equal(4, entry.StartTime);
        Assert.Null(entry.EndTime);
    }

    [Theory]
    [InlineData("\"abc\"", "the string \"abc\"")]
    [InlineData("\"NaN\"", "the string \"NaN\"")]
    [InlineData("\"Infinity\"", "the string \"Infinity\"")]
    [InlineData("[1]", "an array")]
    [InlineData("true", "the boolean true")]
    public void Time_that_is_not_a_number_of_seconds_is_rejected(string time, string described) =>
        Assert.Equal([$"entry 0: start_time must be a number of seconds, got {described}"],
            Problems($$"""[{"role": "Main Agent", "content": "Hi", "start_time": {{time}}, "end_time": 3}]"""));

    [Theory]
    [InlineData("-1", "2")]
    [InlineData("1", "-2")]
    [InlineData("\"-0.5\"", "2")]
    public void Negative_times_are_rejected(string start, string end) =>
        Assert.Equal(["entry 0: times must not be negative"],
            Problems($$"""[{"role": "Main Agent", "content": "Hi", "start_time": {{start}}, "end_time": {{end}}}]"""));

    [Fact]
    public void End_before_start_is_rejected() =>
        Assert.Equal(["entry 1: end_time 1.5 is before start_time 2.25"],
            Problems($$"""[{{Hello}}, {"role": "Main Agent", "content": "Hi", "start_time": 2.25, "end_time": 1.5}]"""));

    [Fact]
    public void End_before_start_message_does_not_depend_on_the_server_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(["entry 0: end_time 1.5 is before start_time 2.25"],
                Problems("""[{"role": "Main Agent", "content": "Hi", "start_time": 2.25, "end_time": 1.5}]"""));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void End_equal_to_start_is_accepted() =>
        Assert.Single(Parse("""[{"role": "Main Agent", "content": "Hm", "start_time": 2, "end_time": 2}]"""));

    [Fact]
    public void Function_call_keeps_its_data_with_arguments_as_a_json_string()
    {
        var entries = Parse($$$"""
            [{{{Hello}}},
             {"role": "Function Call", "content": "", "start_time": 1.2, "end_time": 1.2,
              "data": {"id": "call_1", "name": "book_appointment", "arguments": "{\"time\": \"18:00\"}"}},
             {"role": "Function Call Result", "content": "", "start_time": 1.4,
              "data": {"id": "call_1", "name": "book_appointment", "result": "booked"}}]
            """);

        Assert.Equal(3, entries.Count);
        Assert.Equal("Function Call", entries[1].Role);
        Assert.Equal(new FunctionCallData { Id = "call_1", Name = "book_appointment", Arguments = "{\"time\": \"18:00\"}" }, entries[1].Data);
        Assert.Equal("Function Call Result", entries[2].Role);
        Assert.Equal(new FunctionCallData { Id = "call_1", Name = "book_appointment", Result = "booked" }, entries[2].Data);
        Assert.Null(entries[0].Data);
    }

    [Fact]
    public void Function_call_arguments_given_as_an_object_are_kept_as_json_text()
    {
        var entry = Assert.Single(Parse("""
            [{"role": "Function Call", "content": "", "data": {"id": 7, "name": "lookup", "arguments": {"city":"Paris","days":[1,2]}}},
             {"role": "Main Agent", "content": "Hi"}]
            """), e => e.Role == "Function Call");

        Assert.Equal("7", entry.Data!.Id);
        Assert.Equal("""{"city":"Paris","days":[1,2]}""", entry.Data.Arguments);
        Assert.Null(entry.Data.Result);
    }

    [Fact]
    public void Function_call_result_given_as_an_object_is_kept_as_json_text()
    {
        var entry = Assert.Single(Parse("""
            [{"role": "Function Call Result", "content": "", "data": {"id": "c", "name": "lookup", "result": {"ok":true}}},
             {"role": "Main Agent", "content": "Hi"}]
            """), e => e.Role == "Function Call Result");

        Assert.Equal("""{"ok":true}""", entry.Data!.Result);
        Assert.Null(entry.Data.Arguments);
    }

    [Theory]
    [InlineData(", \"is_error\": true", true)]
    [InlineData(", \"is_error\": false", false)]
    [InlineData("", null)]
    [InlineData(", \"is_error\": \"yes\"", null)] // not a boolean: the flag is dropped, the entry kept
    public void Function_call_result_keeps_its_is_error_flag(string flag, bool? isError)
    {
        var entry = Assert.Single(Parse($$$"""
            [{"role": "Function Call Result", "content": "", "data": {"id": "c", "name": "lookup", "result": "x"{{{flag}}}}},
             {"role": "Main Agent", "content": "Hi"}]
            """), e => e.Role == "Function Call Result");

        Assert.Equal(isError, entry.Data!.IsError);
    }

    [Theory]
    [InlineData("Function Call", "arguments", "")]
    [InlineData("Function Call Result", "result", "")]
    [InlineData("Function Call", "arguments", ", \"data\": null")]
    [InlineData("Function Call", "arguments", ", \"data\": \"call_1\"")]
    [InlineData("Function Call Result", "result", ", \"data\": []")]
    public void Function_entry_without_data_object_is_rejected(string role, string payload, string data) =>
        Assert.Equal([$"entry 1: a '{role}' entry needs data {{id, name, {payload}}}"],
            Problems($$"""[{{Hello}}, {"role": "{{role}}", "content": ""{{data}}}]"""));

    [Fact]
    public void Function_entry_data_needs_id_and_name() =>
        Assert.Equal(["entry 1: data.id is required", "entry 1: data.name is required"],
            Problems($$$"""[{{{Hello}}}, {"role": "Function Call", "content": "", "data": {"arguments": "{}"}}]"""));

    [Fact]
    public void Function_entry_without_payload_gets_an_empty_one()
    {
        var entry = Assert.Single(Parse($$$"""[{{{Hello}}}, {"role": "Function Call", "data": {"id": "a", "name": "hang_up"}}]"""),
            e => e.Role == "Function Call");

        Assert.Equal("", entry.Data!.Arguments);
        Assert.Equal("", entry.Content);
    }

    [Fact]
    public void Entries_are_stably_sorted_by_start_time_with_untimed_entries_after_their_timed_predecessor()
    {
        var entries = Parse("""
            [{"role": "Testing Agent", "content": "first-untimed"},
             {"role": "Main Agent", "content": "at-5", "start_time": 5, "end_time": 6},
             {"role": "Testing Agent", "content": "untimed-after-5"},
             {"role": "Main Agent", "content": "at-2", "start_time": 2, "end_time": 3},
             {"role": "Testing Agent", "content": "untimed-after-2"},
             {"role": "Main Agent", "content": "also-at-5", "start_time": 5, "end_time": 7},
             {"role": "Testing Agent", "content": "at-1", "start_time": 1, "end_time": 1.5}]
            """);

        Assert.Equal(["first-untimed", "at-1", "at-2", "untimed-after-2", "at-5", "untimed-after-5", "also-at-5"],
            entries.Select(e => e.Content));
    }

    [Fact]
    public void Equal_start_times_keep_their_input_order() =>
        Assert.Equal(["b", "a", "c"], Parse("""
            [{"role": "Main Agent", "content": "b", "start_time": 1},
             {"role": "Testing Agent", "content": "a", "start_time": 1},
             {"role": "Main Agent", "content": "c", "start_time": 1}]
            """).Select(e => e.Content));

    [Theory]
    [InlineData("""{"role": "Main Agent", "content": "Hi"}""", "an object")]
    [InlineData("\"[]\"", "the string \"[]\"")]
    [InlineData("42", "the number 42")]
    [InlineData("null", "null")]
    public void Root_that_is_not_an_array_is_rejected(string json, string described) =>
        Assert.Equal([$"expected a JSON array of {{role, content, start_time, end_time}} entries, got {described}"], Problems(json));

    [Fact]
    public void More_than_twenty_bad_entries_report_at_most_twenty_problems()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"role": "agent", "content": "x"}""", 30));
        var problems = Problems($"[{bad}]");

        Assert.Equal(20, problems.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"entry {i}: role 'agent' is not one of {RoleList}"), problems);
    }

    [Fact]
    public void Entries_with_several_problems_still_cap_at_twenty()
    {
        var bad = string.Join(", ", Enumerable.Repeat("""{"role": "user", "content": 1, "start_time": -1}""", 30));

        Assert.Equal(20, Problems($"[{bad}]").Count);
    }

    [Fact]
    public void Every_problem_of_an_entry_is_reported() =>
        Assert.Equal(
        [
            $"entry 0: role 'bot' is not one of {RoleList}",
            "entry 0: content must be a string, got the number 3",
            "entry 0: end_time must be a number of seconds, got the string \"soon\"",
        ], Problems("""[{"role": "bot", "content": 3, "start_time": 1, "end_time": "soon"}]"""));

    [Fact]
    public void Transcript_of_function_entries_only_has_no_speech_turn()
    {
        var parsers = new TranscriptParsers([Parser]);
        using var document = JsonDocument.Parse("""
            [{"role": "Function Call", "data": {"id": "1", "name": "f", "arguments": "{}"}},
             {"role": "Function Call Result", "data": {"id": "1", "name": "f", "result": "ok"}}]
            """);

        var error = Assert.Throws<TranscriptFormatException>(() => parsers.Parse("cekura", document.RootElement));

        Assert.Equal(["the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"], error.Problems);
    }

    [Fact]
    public void Empty_transcript_has_no_speech_turn()
    {
        var parsers = new TranscriptParsers([Parser]);
        using var document = JsonDocument.Parse("[]");

        Assert.Single(Assert.Throws<TranscriptFormatException>(() => parsers.Parse("vocera", document.RootElement)).Problems);
    }

    [Fact]
    public void Parsers_support_only_the_registered_types()
    {
        var parsers = new TranscriptParsers([Parser]);

        Assert.True(parsers.Supports("cekura"));
        Assert.True(parsers.Supports("vocera"));
        Assert.False(parsers.Supports("vapi"));
        Assert.False(parsers.Supports("none-mono"));
    }
}
