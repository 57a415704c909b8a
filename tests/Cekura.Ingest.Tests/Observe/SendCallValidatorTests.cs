using System.Text.Json.Nodes;
using Cekura.TestSupport;
using Microsoft.Extensions.Primitives;
using static Cekura.Ingest.Tests.Observe.Requests;

namespace Cekura.Ingest.Tests.Observe;

/// <summary>The field rules of send-calls.md, each with the exact error body a client receives.</summary>
public sealed class SendCallValidatorTests
{
    private const string Required = "This field is required.";
    private const string TraceIdMessage = "Must be a 32-character hexadecimal OpenTelemetry trace id, not all zeros.";
    private const string NotARecording = "The file is not a recognised audio recording (wav, mp3, ogg/opus, flac, m4a, webm).";
    private const string BadUrl = "Enter a valid http or https URL.";
    private const string BadTimestamp =
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

    [Fact]
    public void Valid_json_body_is_accepted_with_the_seed_transcript()
    {
        var call = Json(ValidJson()).Accepted();

        Assert.Equal("call_abc123xyz", call.CallId);
        Assert.Equal(2421, call.AgentId);
        Assert.Equal("cekura", call.TranscriptType);
        Assert.Equal(4, call.Transcript.Count);
        Assert.Null(call.TraceId);
        Assert.Null(call.RecordingUpload);
        Assert.Null(call.RecordingUrl);
        Assert.Null(call.Timestamp);
        Assert.Null(call.Metadata);
        Assert.Null(call.RedactFields);
        Assert.Empty(call.MetricIds);
        Assert.Null(call.MainAgentChannelIndex);
    }

    [Fact]
    public void Valid_form_body_is_accepted_with_the_transcript_parsed_from_its_json_string()
    {
        var call = Form(ValidForm()).Accepted();

        Assert.Equal("call_abc123xyz", call.CallId);
        Assert.Equal(2421, call.AgentId);
        Assert.Equal(4, call.Transcript.Count);
        Assert.Equal(17.609999, call.Transcript[3].StartTime);
    }

    // call_id

    [Fact]
    public void Missing_call_id_is_required() =>
        Json(Without("call_id")).Rejected(("call_id", Required));

    [Fact]
    public void Null_call_id_is_required() =>
        Json(With("call_id", null)).Rejected(("call_id", Required));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_call_id_is_rejected(string callId) =>
        Json(With("call_id", callId)).Rejected(("call_id", "This field may not be blank."));

    [Fact]
    public void Call_id_of_100_characters_is_accepted() =>
        Assert.Equal(new string('c', 100), Json(With("call_id", new string('c', 100))).Accepted().CallId);

    [Fact]
    public void Call_id_of_101_characters_is_too_long() =>
        Json(With("call_id", new string('c', 101))).Rejected(("call_id", "Ensure this field has no more than 100 characters."));

    [Fact]
    public void Numeric_call_id_is_accepted_as_text() =>
        Assert.Equal("123456", Json(With("call_id", 123456)).Accepted().CallId);

    [Fact]
    public void Object_call_id_is_not_a_string() =>
        Json(With("call_id", new JsonObject { ["a"] = 1 })).Rejected(("call_id", "Not a valid string."));

    [Fact]
    public void Form_call_id_missing_is_required()
    {
        var form = ValidForm();
        form.Remove("call_id");
        Form(form).Rejected(("call_id", Required));
    }

    // trace_id

    [Theory]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736")]
    [InlineData("4Bf92F3577b34dA6a3cE929d0E0e4736")]
    public void Trace_id_of_32_hex_characters_is_accepted_and_stored_lowercase(string traceId) =>
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Json(With("trace_id", traceId)).Accepted().TraceId);

    [Theory]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473")]   // 31 characters
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473g")]  // not hex
    [InlineData("4bf92f35-7b34-da6a-3ce9-29d0e0e4")]  // a GUID-like form is not hex
    [InlineData("00000000000000000000000000000000")]  // the invalid all-zero trace id
    public void Trace_id_that_is_not_a_valid_otel_trace_id_is_rejected(string traceId) =>
        Json(With("trace_id", traceId)).Rejected(("trace_id", TraceIdMessage));

    [Fact]
    public void Trace_id_of_33_characters_is_too_long() =>
        Json(With("trace_id", "4bf92f3577b34da6a3ce929d0e0e47360")).Rejected(("trace_id", "Ensure this field has no more than 32 characters."));

    [Fact]
    public void Empty_trace_id_means_none() =>
        Assert.Null(Form(FormWith("trace_id", "")).Accepted().TraceId);

    // agent / assistant_id

    [Fact]
    public void Agent_as_numeric_string_is_accepted() =>
        Assert.Equal(12, Form(FormWith("agent", "12")).Accepted().AgentId);

    [Fact]
    public void Agent_as_json_numeric_string_is_accepted() =>
        Assert.Equal(12, Json(With("agent", "12")).Accepted().AgentId);

    [Theory]
    [InlineData("x")]
    [InlineData("1.5")]
    [InlineData("12abc")]
    public void Agent_that_is_not_an_integer_is_rejected(string agent) =>
        Form(FormWith("agent", agent)).Rejected(("agent", "A valid integer is required."));

    [Fact]
    public void Agent_that_is_a_fractional_json_number_is_rejected() =>
        Json(With("agent", 1.5)).Rejected(("agent", "A valid integer is required."));

    [Fact]
    public void Agent_that_is_a_boolean_is_rejected() =>
        Json(With("agent", true)).Rejected(("agent", "A valid integer is required."));

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void Agent_below_one_is_rejected(int agent) =>
        Json(With("agent", agent)).Rejected(("agent", "Ensure this value is greater than or equal to 1."));

    [Fact]
    public void Missing_agent_and_assistant_id_is_reported_on_agent() =>
        Json(Without("agent")).Rejected(("agent", "One of agent or assistant_id is required."));

    [Fact]
    public void Empty_agent_and_assistant_id_is_reported_on_agent()
    {
        var form = FormWith("agent", "");
        form["assistant_id"] = "";
        Form(form).Rejected(("agent", "One of agent or assistant_id is required."));
    }

    [Fact]
    public void Assistant_id_alone_is_accepted()
    {
        var body = Without("agent");
        body["assistant_id"] = "asst_abc123xyz";
        var call = Json(body).Accepted();

        Assert.Null(call.AgentId);
        Assert.Equal("asst_abc123xyz", call.AssistantId);
    }

    [Fact]
    public void Agent_and_assistant_id_together_are_both_kept()
    {
        var body = ValidJson();
        body["assistant_id"] = "asst_1";
        var call = Json(body).Accepted();

        Assert.Equal(2421, call.AgentId);
        Assert.Equal("asst_1", call.AssistantId);
    }

    // voice_recording

    // Real files from ffmpeg: the validator reads only their first bytes, but a header alone would not survive ingest.
    public static TheoryData<string, string, string> Recordings => new()
    {
        { "wav", "wav", "audio/wav" },
        { "mp3", "mp3", "audio/mpeg" },
        { "mp3-no-id3", "mp3", "audio/mpeg" },
        { "ogg", "ogg", "audio/ogg" },
        { "flac", "flac", "audio/flac" },
        { "m4a", "m4a", "audio/mp4" },
        { "webm", "webm", "audio/webm" },
    };

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task Recording_with_a_known_audio_header_is_accepted_with_its_format(string kind, string format, string contentType)
    {
        var call = Form(ValidForm(), await TestAudio.EncodeAsync(kind)).Accepted();

        Assert.NotNull(call.RecordingUpload);
        Assert.Equal(format, call.RecordingFormat!.Format);
        Assert.Equal(contentType, call.RecordingFormat.ContentType);
    }

    [Fact]
    public void Recording_of_random_bytes_is_rejected()
    {
        var random = new Random(42);
        var file = new byte[4096];
        random.NextBytes(file);
        file[0] = 0x13; // keep clear of every magic number, including the MPEG frame sync 0xFF

        Form(ValidForm(), file).Rejected(("voice_recording", NotARecording));
    }

    [Fact]
    public void Recording_that_is_a_text_file_is_rejected() =>
        Form(ValidForm(), Bytes("call_id,agent\n1,2\n")).Rejected(("voice_recording", NotARecording));

    [Fact]
    public void Empty_recording_is_rejected() =>
        Form(ValidForm(), []).Rejected(("voice_recording", "The submitted file is empty."));

    [Fact]
    public void Json_string_in_voice_recording_is_not_a_file() =>
        Json(With("voice_recording", "recordings/call_123_20240315.mp3")).Rejected(("voice_recording",
            "The submitted data was not a file. Upload it as the multipart part 'voice_recording', or give voice_recording_url."));

    [Fact]
    public void Form_text_field_voice_recording_is_not_a_file() =>
        Form(FormWith("voice_recording", "UklGRiQIAABXQVZF")).Rejected(("voice_recording",
            "The submitted data was not a file. Upload it as the multipart part 'voice_recording', or give voice_recording_url."));

    // voice_recording_url

    [Theory]
    [InlineData("https://storage.example.com/recordings/call_123.mp3")]
    [InlineData("http://storage.example.com/recordings/call_123.mp3")]
    [InlineData("HTTPS://storage.example.com:8443/r.wav?sig=abc")]
    public void Recording_url_over_http_or_https_is_accepted(string url)
    {
        var call = Json(With("voice_recording_url", url)).Accepted();

        Assert.Equal(new Uri(url).AbsoluteUri, call.RecordingUrl);
        Assert.StartsWith("http", call.RecordingUrl);
    }

    [Theory]
    [InlineData("ftp://storage.example.com/call_123.mp3")]
    [InlineData("file:///etc/passwd")]
    [InlineData("recordings/call_123.mp3")]
    [InlineData("/recordings/call_123.mp3")]
    [InlineData("storage.example.com/call_123.mp3")]
    public void Recording_url_that_is_not_absolute_http_is_rejected(string url) =>
        Json(With("voice_recording_url", url)).Rejected(("voice_recording_url", BadUrl));

    [Fact]
    public void Empty_recording_url_means_none() =>
        Assert.Null(Form(FormWith("voice_recording_url", "")).Accepted().RecordingUrl);

    // transcript_type

    [Fact]
    public void Transcript_type_defaults_to_cekura() =>
        Assert.Equal("cekura", Json(ValidJson()).Accepted().TranscriptType);

    [Fact]
    public void Transcript_type_vocera_is_accepted_as_cekura_format()
    {
        var call = Json(With("transcript_type", "vocera")).Accepted();

        Assert.Equal("vocera", call.TranscriptType);
        Assert.Equal(4, call.Transcript.Count);
    }

    [Theory]
    [InlineData("CEKURA")]
    [InlineData(" Cekura ")]
    public void Transcript_type_is_normalised_to_lowercase(string type) =>
        Assert.Equal("cekura", Json(With("transcript_type", type)).Accepted().TranscriptType);

    [Fact]
    public void Unknown_transcript_type_is_rejected_with_the_valid_choices() =>
        Json(With("transcript_type", "whisper")).Rejected(("transcript_type",
            "\"whisper\" is not a valid choice. Valid choices: cekura, vocera, vapi, retell, elevenlabs, livekit, pipecat, deepgram, none-mono."));

    [Theory]
    [InlineData("vapi")]
    [InlineData("retell")]
    [InlineData("elevenlabs")]
    [InlineData("livekit")]
    [InlineData("pipecat")]
    [InlineData("deepgram")]
    public void Transcript_type_not_implemented_yet_is_rejected_on_transcript_type(string type) =>
        Json(With("transcript_type", type)).Rejected(("transcript_type",
            $"transcript_type \"{type}\" is not supported by this server yet; send the transcript as cekura."));

    [Fact]
    public void Transcript_type_not_implemented_yet_without_transcript_reports_both_problems()
    {
        var body = Without("transcript_json");
        body["transcript_type"] = "vapi";
        Json(body).Rejected(
            ("transcript_type", "transcript_type \"vapi\" is not supported by this server yet; send the transcript as cekura."),
            ("transcript_json", Required));
    }

    // transcript_json

    [Fact]
    public void Missing_transcript_json_is_required() =>
        Json(Without("transcript_json")).Rejected(("transcript_json", Required));

    [Fact]
    public void Null_transcript_json_is_required() =>
        Json(With("transcript_json", null)).Rejected(("transcript_json", Required));

    [Fact]
    public void Blank_form_transcript_json_is_required() =>
        Form(FormWith("transcript_json", "  ")).Rejected(("transcript_json", Required));

    [Fact]
    public void Transcript_json_sent_as_a_json_string_in_a_json_body_is_parsed() =>
        Assert.Equal(4, Json(With("transcript_json", SeedTranscript)).Accepted().Transcript.Count);

    [Fact]
    public void Transcript_json_string_that_is_not_json_is_rejected() =>
        Form(FormWith("transcript_json", "[{\"role\": \"Main Agent\",")).Rejected(("transcript_json", "Value must be valid JSON."));

    [Fact]
    public void Transcript_with_a_bad_role_is_rejected_naming_the_entry() =>
        Json(With("transcript_json", JsonNode.Parse("""
            [{"role": "user", "content": "Hi", "start_time": 0, "end_time": 1},
             {"role": "Main Agent", "content": "Hello", "start_time": 1.5, "end_time": 2},
             {"role": "agent", "content": "Bye", "start_time": 3, "end_time": 4}]
            """))).Rejected(
            ("transcript_json", "entry 0: role 'user' is not one of 'Main Agent', 'Testing Agent', 'Function Call', 'Function Call Result'"),
            ("transcript_json", "entry 2: role 'agent' is not one of 'Main Agent', 'Testing Agent', 'Function Call', 'Function Call Result'"));

    [Fact]
    public void Transcript_that_is_an_object_is_rejected() =>
        Json(With("transcript_json", new JsonObject { ["messages"] = new JsonArray() })).Rejected(("transcript_json",
            "expected a JSON array of {role, content, start_time, end_time} entries, got an object"));

    [Fact]
    public void Transcript_without_a_speech_turn_is_rejected() =>
        Json(With("transcript_json", new JsonArray())).Rejected(("transcript_json",
            "the transcript has no speech turn: at least one 'Main Agent' or 'Testing Agent' entry is required"));

    [Fact]
    public void None_mono_without_a_recording_is_rejected_on_voice_recording()
    {
        var body = Without("transcript_json");
        body["transcript_type"] = "none-mono";
        Json(body).Rejected(("voice_recording",
            "transcript_type none-mono needs a recording: upload voice_recording or give voice_recording_url."));
    }

    [Fact]
    public void None_mono_with_a_recording_url_needs_no_transcript()
    {
        var body = Without("transcript_json");
        body["transcript_type"] = "none-mono";
        body["voice_recording_url"] = "https://storage.example.com/recordings/call_123.mp3";
        var call = Json(body).Accepted();

        Assert.Equal("none-mono", call.TranscriptType);
        Assert.Empty(call.Transcript);
    }

    [Fact]
    public async Task None_mono_with_an_upload_needs_no_transcript()
    {
        var form = ValidForm();
        form.Remove("transcript_json");
        form["transcript_type"] = "none-mono";
        var call = Form(form, await TestAudio.EncodeAsync("mp3")).Accepted();

        Assert.Equal("mp3", call.RecordingFormat!.Format);
        Assert.Empty(call.Transcript);
    }

    [Fact]
    public void None_mono_without_a_speech_to_text_backend_is_a_400_on_transcript_type_saying_how_to_configure_one()
    {
        var body = Without("transcript_json");
        body["transcript_type"] = "none-mono";
        body["voice_recording_url"] = "https://storage.example.com/recordings/call_123.mp3";
        using var document = System.Text.Json.JsonDocument.Parse(body.ToJsonString());

        var outcome = Validate(Cekura.Ingest.Observe.SendCallBody.FromJson(document.RootElement), ValidatorWithoutSpeechToText);

        outcome.Rejected(("transcript_type", Cekura.Ingest.Observe.SendCallValidator.NoSpeechToText));
        foreach (var setting in new[] { "SpeechToText__Provider", "OpenAI", "Deepgram", "SpeechToText__BaseUrl", "SpeechToText__ApiKey", "SpeechToText__Model" })
        {
            Assert.Contains(setting, outcome.Errors["transcript_type"][0]);
        }
    }

    [Fact]
    public void Other_transcript_types_need_no_speech_to_text_backend()
    {
        using var document = System.Text.Json.JsonDocument.Parse(ValidJson().ToJsonString());
        Validate(Cekura.Ingest.Observe.SendCallBody.FromJson(document.RootElement), ValidatorWithoutSpeechToText).Accepted();
    }

    [Fact]
    public void None_mono_with_a_bad_url_reports_only_the_url()
    {
        var body = Without("transcript_json");
        body["transcript_type"] = "none-mono";
        body["voice_recording_url"] = "ftp://x/y.mp3";
        Json(body).Rejected(("voice_recording_url", BadUrl));
    }

    // call_ended_reason, customer_number, feedback

    [Theory]
    [InlineData("call_ended_reason")]
    [InlineData("customer_number")]
    public void Text_field_of_100_characters_is_accepted(string field)
    {
        var call = Json(With(field, new string('9', 100))).Accepted();

        Assert.Equal(new string('9', 100), field == "call_ended_reason" ? call.CallEndedReason : call.CustomerNumber);
    }

    [Theory]
    [InlineData("call_ended_reason")]
    [InlineData("customer_number")]
    public void Text_field_of_101_characters_is_too_long(string field) =>
        Json(With(field, new string('9', 101))).Rejected((field, "Ensure this field has no more than 100 characters."));

    [Fact]
    public void Call_ended_reason_and_customer_number_are_kept()
    {
        var body = ValidJson();
        body["call_ended_reason"] = "customer-ended-call";
        body["customer_number"] = "+1234567890";
        var call = Json(body).Accepted();

        Assert.Equal("customer-ended-call", call.CallEndedReason);
        Assert.Equal("+1234567890", call.CustomerNumber);
    }

    [Fact]
    public void Customer_number_sent_as_a_json_number_is_kept_as_text() =>
        Assert.Equal("1234567890", Json(With("customer_number", 1234567890)).Accepted().CustomerNumber);

    [Fact]
    public void Feedback_is_kept() =>
        Assert.Equal("Great call", Json(With("feedback", "Great call")).Accepted().Feedback);

    [Fact]
    public void Feedback_that_is_a_list_is_not_a_string() =>
        Json(With("feedback", new JsonArray("a"))).Rejected(("feedback", "Not a valid string."));

    // metadata, dynamic_variables

    [Theory]
    [InlineData("metadata")]
    [InlineData("dynamic_variables")]
    public void Object_field_given_as_an_object_is_kept(string field)
    {
        var call = Json(With(field, new JsonObject { ["customer_id"] = "123", ["order_id"] = "ORD-12345" })).Accepted();
        var value = field == "metadata" ? call.Metadata : call.DynamicVariables;

        Assert.Equal("ORD-12345", value!.Value.GetProperty("order_id").GetString());
    }

    [Theory]
    [InlineData("metadata")]
    [InlineData("dynamic_variables")]
    public void Object_field_given_as_a_json_string_in_a_form_is_parsed(string field)
    {
        var call = Form(FormWith(field, """{"subscription_id": "SUB-12345", "n": 2}""")).Accepted();
        var value = field == "metadata" ? call.Metadata : call.DynamicVariables;

        Assert.Equal("SUB-12345", value!.Value.GetProperty("subscription_id").GetString());
        Assert.Equal(2, value.Value.GetProperty("n").GetInt32());
    }

    [Theory]
    [InlineData("metadata")]
    [InlineData("dynamic_variables")]
    public void Object_field_given_as_an_array_is_rejected(string field) =>
        Json(With(field, new JsonArray(1, 2))).Rejected((field, "Expected a dictionary of items but got type \"list\"."));

    [Theory]
    [InlineData("metadata")]
    [InlineData("dynamic_variables")]
    public void Object_field_given_as_a_json_array_string_in_a_form_is_rejected(string field) =>
        Form(FormWith(field, "[1, 2]")).Rejected((field, "Expected a dictionary of items but got type \"list\"."));

    [Fact]
    public void Metadata_given_as_a_number_is_rejected() =>
        Json(With("metadata", 5)).Rejected(("metadata", "Expected a dictionary of items but got type \"number\"."));

    [Fact]
    public void Metadata_string_that_is_not_json_is_rejected() =>
        Form(FormWith("metadata", "customer_id=123")).Rejected(("metadata", "Value must be valid JSON."));

    // text that parses but cannot be stored

    private const string NotUtf8 = "(invalid bytes, or an unpaired surrogate escape such as \\ud800).";

    [Theory]
    [InlineData("metadata")]
    [InlineData("dynamic_variables")]
    public void An_unpaired_surrogate_escape_in_a_json_string_field_is_rejected_on_that_field(string field) =>
        Form(FormWith(field, """{"customer": {"name": "Ann \ud800"}}""")).Rejected((field, $"The text at customer.name is not valid UTF-8 {NotUtf8}"));

    [Fact]
    public void An_unpaired_surrogate_escape_in_the_transcript_is_rejected_on_transcript_json() =>
        Form(FormWith("transcript_json", """[{"role": "Main Agent", "content": "Hi \udc00", "start_time": 0.1, "end_time": 0.5}]"""))
            .Rejected(("transcript_json", $"The text at [0].content is not valid UTF-8 {NotUtf8}"));

    [Fact]
    public void Invalid_utf8_bytes_in_a_json_body_are_rejected_on_each_field_that_holds_them()
    {
        var body = Bytes("{\"call_id\": \"call_", new byte[] { 0xFF }, "\", \"agent\": 2421, \"metadata\": {\"k\": \"a", new byte[] { 0xC3 },
            "\"}, \"transcript_json\": ", SeedTranscript, "}");
        using var document = System.Text.Json.JsonDocument.Parse(body);

        Validate(Cekura.Ingest.Observe.SendCallBody.FromJson(document.RootElement))
            .Rejected(("call_id", $"Not valid UTF-8 text {NotUtf8}"), ("metadata", $"The text at k is not valid UTF-8 {NotUtf8}"));
    }

    [Fact]
    public void An_object_nested_deeper_than_can_be_stored_is_rejected_and_one_level_less_is_kept()
    {
        static string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"a\": ", levels)) + "1" + new string('}', levels);

        Form(FormWith("metadata", Nested(33))).Rejected(("metadata", "Nested too deeply: at most 32 levels of objects and arrays are accepted."));
        Assert.NotNull(Form(FormWith("metadata", Nested(32))).Accepted().Metadata);
    }

    // timestamp

    [Theory]
    [InlineData("2024-03-15T10:15:45Z")]
    [InlineData("2024-03-15T12:15:45+02:00")]
    [InlineData("2024-03-15T05:15:45-05:00")]
    [InlineData("2024-03-15T10:15:45")]
    [InlineData("2024-03-15T10:15:45.000000Z")]
    public void Timestamp_in_iso_8601_is_stored_in_utc(string timestamp)
    {
        var stored = Json(With("timestamp", timestamp)).Accepted().Timestamp!.Value;

        Assert.Equal(new DateTimeOffset(2024, 3, 15, 10, 15, 45, TimeSpan.Zero), stored);
        Assert.Equal(TimeSpan.Zero, stored.Offset);
    }

    [Fact]
    public void Timestamp_keeps_fractional_seconds() =>
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 10, 15, 45, 250, TimeSpan.Zero),
            Json(With("timestamp", "2024-03-15T10:15:45.25Z")).Accepted().Timestamp);

    [Theory]
    [InlineData("yesterday")]
    [InlineData("15/03/2024 10:15")]
    [InlineData("2024-13-45T99:00:00Z")]
    [InlineData("1710497745")]
    public void Timestamp_that_is_not_iso_8601_is_rejected(string timestamp) =>
        Json(With("timestamp", timestamp)).Rejected(("timestamp", BadTimestamp));

    [Fact]
    public void Timestamp_given_as_a_json_number_is_rejected() =>
        Json(With("timestamp", 1710497745)).Rejected(("timestamp", BadTimestamp));

    // redact_fields

    [Fact]
    public void Redact_fields_as_a_json_array_is_accepted() =>
        Assert.Equal(["phone_number", "email_address", "credit_card"],
            Json(With("redact_fields", new JsonArray("phone_number", "email_address", "credit_card"))).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_as_repeated_form_keys_is_accepted() =>
        Assert.Equal(["ssn", "dob"], Form(FormWith("redact_fields", new StringValues(["ssn", "dob"]))).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_as_a_json_array_string_is_accepted() =>
        Assert.Equal(["ssn", "dob"], Form(FormWith("redact_fields", """["ssn", "dob"]""")).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_as_a_comma_separated_string_is_accepted() =>
        Assert.Equal(["ssn", "dob", "person_name"], Form(FormWith("redact_fields", "ssn, dob,person_name")).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_single_name_is_a_list_of_one() =>
        Assert.Equal(["credit_card"], Form(FormWith("redact_fields", "credit_card")).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_empty_json_array_means_redact_nothing()
    {
        var fields = Json(With("redact_fields", new JsonArray())).Accepted().RedactFields;

        Assert.NotNull(fields);
        Assert.Empty(fields);
    }

    [Fact]
    public void Redact_fields_empty_array_string_in_a_form_means_redact_nothing()
    {
        var fields = Form(FormWith("redact_fields", "[]")).Accepted().RedactFields;

        Assert.NotNull(fields);
        Assert.Empty(fields);
    }

    [Fact]
    public void Redact_fields_absent_means_the_agent_default() =>
        Assert.Null(Json(ValidJson()).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_null_means_the_agent_default() =>
        Assert.Null(Json(With("redact_fields", null)).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_with_an_unknown_name_is_rejected_naming_it() =>
        Json(With("redact_fields", new JsonArray("ssn", "nickname", "Phone_Number"))).Rejected(
            ("redact_fields", "\"nickname\" is not a valid choice."),
            ("redact_fields", "\"Phone_Number\" is not a valid choice."));

    [Fact]
    public void Redact_fields_duplicates_are_removed_keeping_first_order() =>
        Assert.Equal(["ssn", "dob"], Json(With("redact_fields", new JsonArray("ssn", "dob", "ssn", "dob"))).Accepted().RedactFields);

    [Fact]
    public void Redact_fields_as_an_object_is_rejected() =>
        Json(With("redact_fields", new JsonObject { ["ssn"] = true })).Rejected(("redact_fields", "Expected a list of items but got type \"dict\"."));

    [Fact]
    public void Redact_fields_with_a_nested_object_item_is_rejected() =>
        Json(With("redact_fields", new JsonArray("ssn", new JsonObject()))).Rejected(("redact_fields", "Not a valid string: dict."));

    // metric_ids

    [Fact]
    public void Metric_ids_comma_separated_are_accepted() =>
        Assert.Equal([1L, 2L], Json(With("metric_ids", "1,2")).Accepted().MetricIds);

    [Fact]
    public void Metric_ids_with_spaces_and_duplicates_are_accepted_once() =>
        Assert.Equal([3L, 1L], Form(FormWith("metric_ids", " 3 , 1,3 ")).Accepted().MetricIds);

    [Fact]
    public void Metric_ids_as_a_json_array_of_numbers_are_accepted() =>
        Assert.Equal([1L, 3L], Json(With("metric_ids", new JsonArray(1, 3))).Accepted().MetricIds);

    [Fact]
    public void Metric_ids_as_a_single_json_number_is_accepted() =>
        Assert.Equal([2L], Json(With("metric_ids", 2)).Accepted().MetricIds);

    [Fact]
    public void Metric_ids_empty_string_is_none() =>
        Assert.Empty(Form(FormWith("metric_ids", "")).Accepted().MetricIds);

    [Fact]
    public void Metric_ids_with_an_id_below_the_custom_range_outside_the_catalogue_is_rejected_naming_it() =>
        Json(With("metric_ids", "1,99")).Rejected(("metric_ids", "metric 99 does not exist in this project"));

    // Custom metrics are the project's: the handler looks them up after the field rules (EndToEnd MetricsApiTests).
    [Fact]
    public void Metric_ids_in_the_custom_range_pass_the_field_rules() =>
        Assert.Equal([1L, 1001L, 5_000_000_000L], Json(With("metric_ids", "1,1001,5000000000")).Accepted().MetricIds);

    [Theory]
    [InlineData("a")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1.5")]
    public void Metric_ids_that_are_not_positive_integers_are_rejected(string id) =>
        Json(With("metric_ids", id)).Rejected(("metric_ids", $"\"{id}\" is not a metric id: use comma-separated integers such as \"118,119\"."));

    // main_agent_channel_index

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Main_agent_channel_index_0_or_1_is_accepted(int index) =>
        Assert.Equal(index, Json(With("main_agent_channel_index", index)).Accepted().MainAgentChannelIndex);

    [Fact]
    public void Main_agent_channel_index_as_a_string_is_accepted() =>
        Assert.Equal(1, Form(FormWith("main_agent_channel_index", "1")).Accepted().MainAgentChannelIndex);

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void Main_agent_channel_index_outside_0_and_1_is_rejected(int index) =>
        Json(With("main_agent_channel_index", index)).Rejected(("main_agent_channel_index", "Must be between 0 and 1."));

    [Fact]
    public void Main_agent_channel_index_that_is_not_a_number_is_rejected() =>
        Form(FormWith("main_agent_channel_index", "left")).Rejected(("main_agent_channel_index", "A valid integer is required."));

    // everything at once

    [Fact]
    public void Several_bad_fields_are_all_reported_in_one_response()
    {
        var body = new JsonObject
        {
            ["call_id"] = new string('c', 101),
            ["trace_id"] = "xyz",
            ["agent"] = "x",
            ["voice_recording_url"] = "ftp://host/file.mp3",
            ["transcript_json"] = JsonNode.Parse("""[{"role": "agent", "content": "Hi"}]"""),
            ["call_ended_reason"] = new string('r', 101),
            ["customer_number"] = new string('9', 101),
            ["metadata"] = new JsonArray(),
            ["dynamic_variables"] = "not json",
            ["timestamp"] = "yesterday",
            ["redact_fields"] = new JsonArray("nickname"),
            ["metric_ids"] = "1,99",
            ["main_agent_channel_index"] = 2,
        };

        Json(body).Rejected(
            ("call_id", "Ensure this field has no more than 100 characters."),
            ("trace_id", TraceIdMessage),
            ("agent", "A valid integer is required."),
            ("voice_recording_url", BadUrl),
            ("transcript_json", "entry 0: role 'agent' is not one of 'Main Agent', 'Testing Agent', 'Function Call', 'Function Call Result'"),
            ("call_ended_reason", "Ensure this field has no more than 100 characters."),
            ("customer_number", "Ensure this field has no more than 100 characters."),
            ("metadata", "Expected a dictionary of items but got type \"list\"."),
            ("dynamic_variables", "Value must be valid JSON."),
            ("timestamp", BadTimestamp),
            ("redact_fields", "\"nickname\" is not a valid choice."),
            ("metric_ids", "metric 99 does not exist in this project"),
            ("main_agent_channel_index", "Must be between 0 and 1."));
    }

    [Fact]
    public void Bad_upload_and_unknown_transcript_type_are_reported_together_in_a_form()
    {
        var form = ValidForm();
        form.Remove("call_id");
        form["transcript_type"] = "srt";
        Form(form, Bytes("%PDF-1.7")).Rejected(
            ("call_id", Required),
            ("voice_recording", NotARecording),
            ("transcript_type",
                "\"srt\" is not a valid choice. Valid choices: cekura, vocera, vapi, retell, elevenlabs, livekit, pipecat, deepgram, none-mono."));
    }
}
