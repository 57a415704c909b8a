using Cekura.Ingest.Traces;
using Cekura.Ingest.Traces.Otlp;
using Cekura.LoadGenerator.Calls;

namespace Cekura.LoadGenerator.Tests;

public sealed class SpanExportsTests
{
    [Fact]
    public async Task Each_export_is_one_trace_of_documented_spans_that_ingest_reads_in_full()
    {
        var exports = new SpanExports(spans: 50, seed: 16);

        var first = OtlpJsonReader.Read(await exports.Body(1).ReadAsByteArrayAsync());
        var second = OtlpJsonReader.Read(await exports.Body(2).ReadAsByteArrayAsync());

        Assert.Equal(0, first.RejectedSpans);
        Assert.Equal(50, first.Spans.Count);
        Assert.Equal(50, first.Spans.Select(s => s.SpanId).Distinct().Count());
        Assert.Single(first.Spans.Select(s => s.TraceId).Distinct());
        Assert.NotEqual(first.Spans[0].TraceId, second.Spans[0].TraceId);
        var root = Assert.Single(first.Spans, s => s.ParentSpanId is null);
        Assert.Equal("conversation", root.Name);
        Assert.All(first.Spans, s => Assert.NotNull(RecognisedSpans.KindOf(s.Name)));
        Assert.Equal(812L, RecognisedSpans.Normalise(first.Spans.First(s => s.Name == "llm")).Attributes["gen_ai.usage.input_tokens"]);
    }
}
