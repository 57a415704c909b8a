using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Cekura.LoadGenerator.Calls;

/// <summary>
/// OTLP/JSON trace exports for <c>--plan spans</c>: each export is one conversation of a voice agent, a root
/// <c>conversation</c> span and stt → llm → tts turns under it with their documented attributes, <c>spans</c> spans in all,
/// in a trace of its own (so the per-trace cap never drops any).
/// </summary>
public sealed class SpanExports(int spans, int seed)
{
    public const string Path = "/v1/traces";

    private static readonly string[] Names = ["stt", "llm", "tts"];

    public HttpContent Body(long n)
    {
        var random = new Random(HashCode.Combine(seed, n));
        var traceId = Hex(random, 16);
        var rootId = Hex(random, 8);
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L;
        var json = new StringBuilder(256 * spans);
        json.Append("""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"load-agent"}}]},"scopeSpans":[{"scope":{"name":"load"},"spans":[""");
        Span(json, traceId, rootId, "", "conversation", start, start + spans * 300_000_000L, "");
        for (var i = 1; i < spans; i++)
        {
            var name = Names[(i - 1) % Names.Length];
            var begin = start + i * 300_000_000L;
            var attributes = name switch
            {
                "stt" => """{"key":"stt.provider","value":{"stringValue":"deepgram"}},{"key":"stt.transcript","value":{"stringValue":"I'd like to book a table for two"}},{"key":"stt.confidence","value":{"doubleValue":0.94}}""",
                "llm" => """{"key":"gen_ai.system","value":{"stringValue":"openai"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"812"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"41"}}""",
                _ => """{"key":"tts.provider","value":{"stringValue":"elevenlabs"}},{"key":"tts.characters","value":{"intValue":"96"}}""",
            };
            json.Append(',');
            Span(json, traceId, Hex(random, 8), rootId, name, begin, begin + random.Next(80, 600) * 1_000_000L, attributes);
        }
        json.Append("]}]}]}");
        var content = new StringContent(json.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static void Span(StringBuilder json, string traceId, string spanId, string parent, string name, long start, long end, string attributes) =>
        json.Append(CultureInfo.InvariantCulture,
            $$$"""{"traceId":"{{{traceId}}}","spanId":"{{{spanId}}}","parentSpanId":"{{{parent}}}","name":"{{{name}}}","kind":1,"startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{end}}}","attributes":[{{{attributes}}}],"status":{}}""");

    private static string Hex(Random random, int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        buffer[0] |= 1; // never all zeros
        return Convert.ToHexStringLower(buffer);
    }
}
