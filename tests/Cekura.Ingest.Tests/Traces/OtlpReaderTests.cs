using System.Text;
using Cekura.Contracts.Traces;
using Cekura.Ingest.Traces;
using Cekura.Ingest.Traces.Otlp;
using Google.Protobuf;

namespace Cekura.Ingest.Tests.Traces;

public sealed class OtlpReaderTests
{
    private const string TraceHex = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanHex = "00f067aa0ba902b7";

    [Fact]
    public void Protobuf_spans_keep_ids_times_status_service_and_typed_attributes()
    {
        var body = Message(w =>
            w.Message(1, resource =>
            {
                resource.Message(1, r => r.Message(1, kv => kv.Text(1, "service.name").Message(2, v => v.Text(1, "voice-agent"))));
                resource.Message(2, scope => scope.Message(2, span =>
                {
                    span.Bytes(1, Convert.FromHexString(TraceHex)).Bytes(2, Convert.FromHexString(SpanHex)).Text(5, "LLM")
                        .Fixed64(7, 1_700_000_000_000_000_000).Fixed64(8, 1_700_000_000_250_000_000)
                        .Message(9, kv => kv.Text(1, "gen_ai.usage.input_tokens").Message(2, v => v.Varint(3, 42)))
                        .Message(9, kv => kv.Text(1, "ratio").Message(2, v => v.Double(4, 0.5)))
                        .Message(9, kv => kv.Text(1, "ok").Message(2, v => v.Varint(2, 1)))
                        .Message(9, kv => kv.Text(1, "list").Message(2, v => v.Message(5, a => a.Message(1, x => x.Text(1, "a")).Message(1, x => x.Varint(3, 7)))))
                        .Message(15, s => s.Text(2, "boom").Varint(3, 2))
                        .Varint(99, 5); // a field this reader does not know
                }));
            }));

        var export = OtlpProtobufReader.Read(body);

        var span = Assert.Single(export.Spans);
        Assert.Equal(0, export.RejectedSpans);
        Assert.Equal((TraceHex, SpanHex, null, "LLM", "voice-agent"), (span.TraceId, span.SpanId, span.ParentSpanId, span.Name, span.Service));
        Assert.Equal(TimeSpan.FromMilliseconds(250), span.Duration);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), span.Start);
        Assert.Equal((AgentSpan.StatusError, "boom"), (span.StatusCode, span.StatusMessage));
        Assert.Equal(42L, span.Attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal(0.5, span.Attributes["ratio"]);
        Assert.Equal(true, span.Attributes["ok"]);
        Assert.Equal(new object?[] { "a", 7L }, (IEnumerable<object?>)span.Attributes["list"]!);
    }

    [Fact]
    public void Spans_with_missing_or_zero_ids_are_rejected_not_the_request()
    {
        var body = Message(w => w.Message(1, rs => rs.Message(2, scope => scope
            .Message(2, span => span.Bytes(1, new byte[16]).Bytes(2, Convert.FromHexString(SpanHex)))
            .Message(2, span => span.Bytes(1, Convert.FromHexString(TraceHex)).Bytes(2, new byte[3]))
            .Message(2, span => span.Bytes(1, Convert.FromHexString(TraceHex)).Bytes(2, Convert.FromHexString(SpanHex))))));

        var export = OtlpProtobufReader.Read(body);

        Assert.Single(export.Spans);
        Assert.Equal(2, export.RejectedSpans);
        Assert.Contains("trace_id", export.RejectionReason);
    }

    [Fact]
    public void Truncated_protobuf_is_a_format_error()
    {
        Assert.Throws<OtlpFormatException>(() => OtlpProtobufReader.Read(new byte[] { 0x0A, 0x64, 0x01 }));
    }

    [Fact]
    public void Json_accepts_hex_ids_string_or_number_int64_enum_names_and_snake_case()
    {
        var json = $$$$"""
            {"resource_spans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "a"}}]},
              "scopeSpans": [{"spans": [
                {"traceId": "{{{{TraceHex.ToUpperInvariant()}}}}", "spanId": "{{{{SpanHex}}}}", "parentSpanId": "", "name": "stt",
                 "startTimeUnixNano": "1700000000000000000", "end_time_unix_nano": 1700000000100000000,
                 "status": {"code": "STATUS_CODE_OK"},
                 "attributes": [{"key": "n", "value": {"intValue": "9007199254740993"}}, {"key": "m", "value": {"intValue": 4}},
                                {"key": "d", "value": {"doubleValue": "NaN"}},
                                {"key": "kv", "value": {"kvlistValue": {"values": [{"key": "x", "value": {"boolValue": false}}]}}}]}]}]}]}
            """;

        var span = Assert.Single(OtlpJsonReader.Read(Encoding.UTF8.GetBytes(json)).Spans);

        Assert.Equal((TraceHex, SpanHex, null, "a", AgentSpan.StatusOk), (span.TraceId, span.SpanId, span.ParentSpanId, span.Service, span.StatusCode));
        Assert.Equal(TimeSpan.FromMilliseconds(100), span.Duration);
        Assert.Equal(9007199254740993L, span.Attributes["n"]);
        Assert.Equal(4L, span.Attributes["m"]);
        Assert.True(double.IsNaN((double)span.Attributes["d"]!));
        Assert.Equal("""{"x":false}""", span.Attributes["kv"]);
    }

    [Theory]
    [InlineData("""{"resourceSpans": {}}""")]
    [InlineData("""[1, 2]""")]
    [InlineData("""{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "soon"}]}]}]}""")]
    [InlineData("""{"resourceSpans": [""")]
    public void Json_of_the_wrong_shape_is_a_format_error(string json)
    {
        Assert.Throws<OtlpFormatException>(() => OtlpJsonReader.Read(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Documented_spans_get_their_canonical_name_and_attribute_types_others_stay_as_sent()
    {
        var llm = new AgentSpan(TraceHex, SpanHex, null, "LLM", null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            new Dictionary<string, object?>
            {
                ["gen_ai.usage.input_tokens"] = "12", ["gen_ai.usage.output_tokens"] = 7.0, ["gen_ai.request.model"] = 4L,
                ["other"] = "12",
            });
        var stt = llm with { Name = "stt", Attributes = new Dictionary<string, object?> { ["stt.confidence"] = 1L, ["stt.provider"] = true } };
        var custom = llm with { Name = "db.query" };
        var bad = llm with { Attributes = new Dictionary<string, object?> { ["gen_ai.usage.input_tokens"] = "many" } };

        var normalised = RecognisedSpans.Normalise(llm);

        Assert.Equal("llm", normalised.Name);
        Assert.Equal(12L, normalised.Attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal(7L, normalised.Attributes["gen_ai.usage.output_tokens"]);
        Assert.Equal("4", normalised.Attributes["gen_ai.request.model"]);
        Assert.Equal("12", normalised.Attributes["other"]);
        Assert.Equal(1.0, RecognisedSpans.Normalise(stt).Attributes["stt.confidence"]);
        Assert.Equal("True", RecognisedSpans.Normalise(stt).Attributes["stt.provider"]);
        Assert.Same(custom, RecognisedSpans.Normalise(custom));
        Assert.Null(RecognisedSpans.KindOf("db.query"));
        Assert.Equal("tool_call", RecognisedSpans.KindOf("Tool_Call"));
        Assert.Equal("many", RecognisedSpans.Normalise(bad).Attributes["gen_ai.usage.input_tokens"]);
    }

    private static byte[] Message(Action<Writer> build)
    {
        var writer = new Writer();
        build(writer);
        return writer.ToArray();
    }

    /// <summary>Test data in the protobuf wire format, field by field.</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _buffer = new();
        private readonly CodedOutputStream _output;

        public Writer() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

        public Writer Text(int field, string value)
        {
            _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _output.WriteString(value);
            return this;
        }

        public Writer Bytes(int field, byte[] value)
        {
            _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _output.WriteBytes(ByteString.CopyFrom(value));
            return this;
        }

        public Writer Varint(int field, long value)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteInt64(value);
            return this;
        }

        public Writer Fixed64(int field, ulong value)
        {
            _output.WriteTag(field, WireFormat.WireType.Fixed64);
            _output.WriteFixed64(value);
            return this;
        }

        public Writer Double(int field, double value)
        {
            _output.WriteTag(field, WireFormat.WireType.Fixed64);
            _output.WriteDouble(value);
            return this;
        }

        public Writer Message(int field, Action<Writer> build) => Bytes(field, OtlpReaderTests.Message(build));

        public byte[] ToArray()
        {
            _output.Flush();
            return _buffer.ToArray();
        }
    }
}
