using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Redaction.Analysis;
using Cekura.Redaction.Transcripts;

namespace Cekura.Redaction.Tests.Transcripts;

public sealed class TranscriptRedactorTests
{
    private const string Card = "4111 1111 1111 1111";

    private static readonly KnownValuesRecognizer Known = new(
        (Card, "credit_card"), ("John Smith", "person_name"), ("+14155550123", "phone_number"),
        ("4111111111111111", "credit_card"), ("123-45-6789", "ssn"), ("1985-02-17", "dob"));

    private static TranscriptRedactor Redactor(KnownValuesRecognizer? recognizer = null) => new(new PiiAnalyzer([recognizer ?? Known]));

    private static TranscriptEntry Speech(string role, string content, double? start = null, double? end = null) =>
        new() { Role = role, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Call(string arguments) => new()
    {
        Role = TranscriptRoles.FunctionCall, Content = "", Data = new FunctionCallData { Id = "c1", Name = "pay", Arguments = arguments },
    };

    private static TranscriptEntry Result(string result) => new()
    {
        Role = TranscriptRoles.FunctionCallResult, Content = "", Data = new FunctionCallData { Id = "c1", Name = "pay", Result = result },
    };

    [Fact]
    public void Speech_turns_get_upper_case_placeholders_and_the_spans_of_the_original_content()
    {
        var transcript = new[]
        {
            Speech(TranscriptRoles.MainAgent, "Hello, who am I speaking with?", 0, 2),
            Speech(TranscriptRoles.TestingAgent, $"This is John Smith, card {Card}.", 2.5, 6),
        };

        var result = Redactor().Redact(transcript, ["person_name", "credit_card"], customerNumber: null);

        Assert.Equal("Hello, who am I speaking with?", result.Transcript[0].Content);
        Assert.Equal("This is <PERSON_NAME>, card <CREDIT_CARD>.", result.Transcript[1].Content);
        Assert.Equal(
            [new TextRedaction(1, RedactedField.Content, 8, 10, "person_name"), new TextRedaction(1, RedactedField.Content, 25, Card.Length, "credit_card")],
            result.Redactions);
        Assert.Equal("John Smith", transcript[1].Content.Substring(8, 10));
        Assert.Equal((2.5, 6.0), (result.Transcript[1].StartTime!.Value, result.Transcript[1].EndTime!.Value));
    }

    [Fact]
    public void Types_that_were_not_requested_are_left_in_the_text()
    {
        var transcript = new[] { Speech(TranscriptRoles.TestingAgent, $"This is John Smith, card {Card}.") };

        var result = Redactor().Redact(transcript, ["credit_card"], null);

        Assert.Equal("This is John Smith, card <CREDIT_CARD>.", result.Transcript[0].Content);
    }

    [Fact]
    public void A_card_number_split_over_two_turns_of_the_same_speaker_is_redacted_in_both()
    {
        var transcript = new[]
        {
            Speech(TranscriptRoles.TestingAgent, "my card is 4111 1111", 0, 2),
            Speech(TranscriptRoles.MainAgent, "go on", 2, 2.5),
            Speech(TranscriptRoles.TestingAgent, "1111 1111", 3, 4),
        };

        var result = Redactor().Redact(transcript, ["credit_card"], null);

        Assert.Equal("my card is <CREDIT_CARD>", result.Transcript[0].Content);
        Assert.Equal("go on", result.Transcript[1].Content);
        Assert.Equal("<CREDIT_CARD>", result.Transcript[2].Content);
        Assert.Equal(
            [new TextRedaction(0, RedactedField.Content, 11, 9, "credit_card"), new TextRedaction(2, RedactedField.Content, 0, 9, "credit_card")],
            result.Redactions);
    }

    [Fact]
    public void Halves_said_by_different_speakers_are_not_joined()
    {
        var transcript = new[]
        {
            Speech(TranscriptRoles.TestingAgent, "my card is 4111 1111"),
            Speech(TranscriptRoles.MainAgent, "1111 1111"),
        };

        var result = Redactor().Redact(transcript, ["credit_card"], null);

        Assert.Equal(["my card is 4111 1111", "1111 1111"], result.Transcript.Select(e => e.Content));
        Assert.Empty(result.Redactions);
    }

    [Fact]
    public void Function_call_arguments_stay_valid_json_with_each_string_value_redacted()
    {
        var arguments = """{"name":"John Smith","card":{"number":"4111 1111 1111 1111","note":"for John Smith"},"items":["x","John Smith"],"n":2,"ok":true,"none":null}""";

        var result = Redactor().Redact([Call(arguments)], ["person_name", "credit_card"], null);

        var redacted = result.Transcript[0].Data!.Arguments!;
        using var json = JsonDocument.Parse(redacted);
        var root = json.RootElement;
        Assert.Equal("<PERSON_NAME>", root.GetProperty("name").GetString());
        Assert.Equal("<CREDIT_CARD>", root.GetProperty("card").GetProperty("number").GetString());
        Assert.Equal("for <PERSON_NAME>", root.GetProperty("card").GetProperty("note").GetString());
        Assert.Equal("<PERSON_NAME>", root.GetProperty("items")[1].GetString());
        Assert.Equal(2, root.GetProperty("n").GetInt32());
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("none").ValueKind);
        Assert.DoesNotContain("John", redacted);
        Assert.Contains("\"<PERSON_NAME>\"", redacted);
        Assert.Equal(4, result.Redactions.Count(r => r.Field == RedactedField.Arguments && r.EntryIndex == 0));
    }

    [Fact]
    public void A_number_a_recognizer_flags_in_a_result_becomes_the_placeholder_string()
    {
        var result = Redactor().Redact([Result("""{"card":4111111111111111,"amount":12.5}""")], ["credit_card"], null);

        var redacted = result.Transcript[0].Data!.Result!;
        using var json = JsonDocument.Parse(redacted);
        Assert.Equal("<CREDIT_CARD>", json.RootElement.GetProperty("card").GetString());
        Assert.Equal(12.5, json.RootElement.GetProperty("amount").GetDouble());
        Assert.Equal([new TextRedaction(0, RedactedField.Result, 0, 16, "credit_card")], result.Redactions);
    }

    [Fact]
    public void A_result_that_is_not_json_is_redacted_as_text()
    {
        var result = Redactor().Redact([Result("Booked for John Smith, SSN 123-45-6789 {")], ["person_name", "ssn"], null);

        Assert.Equal("Booked for <PERSON_NAME>, SSN <SSN> {", result.Transcript[0].Data!.Result);
    }

    [Fact]
    public void A_payload_with_nothing_to_redact_is_kept_byte_for_byte()
    {
        const string arguments = "{ \"time\" : \"18:00\",\n \"caf\u00e9\": 1 }";

        var result = Redactor().Redact([Call(arguments)], ["person_name"], null);

        Assert.Same(arguments, result.Transcript[0].Data!.Arguments);
    }

    [Fact]
    public void A_json_value_is_read_with_its_property_name_as_context_but_only_the_value_is_replaced()
    {
        // Only "dob: 1985-02-17" carries a date of birth; the recognizer sees the name, the name stays.
        var recognizer = new KnownValuesRecognizer(("dob: 1985-02-17", "dob"));

        var result = Redactor(recognizer).Redact([Call("""{"dob":"1985-02-17","date":"1985-02-17"}""")], ["dob"], null);

        Assert.Equal("""{"dob":"<DOB>","date":"1985-02-17"}""", result.Transcript[0].Data!.Arguments);
    }

    [Fact]
    public void The_customer_numbers_region_reaches_the_recognizers()
    {
        var recognizer = new KnownValuesRecognizer(("x", "phone_number"));

        Redactor(recognizer).Redact([Speech(TranscriptRoles.TestingAgent, "call me on 020 7946 0958")], ["phone_number"], "+44 20 7946 0000");

        Assert.NotEmpty(recognizer.Contexts);
        Assert.All(recognizer.Contexts, c => Assert.Equal("GB", c.RegionHint));
    }

    [Theory]
    [InlineData("+14155550123", "US")]
    [InlineData("+44 20 7946 0958", "GB")]
    [InlineData("0049 30 123456", "DE")]
    [InlineData("+353 1 234 5678", "IE")]
    [InlineData("+971 4 123 4567", "AE")]
    [InlineData("415-555-0123", null)]
    [InlineData("+999 123", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_region_hint_comes_from_the_international_calling_code(string? number, string? region) =>
        Assert.Equal(region, RegionHints.FromPhoneNumber(number));
}
