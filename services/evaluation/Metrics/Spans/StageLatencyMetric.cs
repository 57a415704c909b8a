using Cekura.Contracts.Traces;
using Cekura.Evaluation.Metrics.Latency;

namespace Cekura.Evaluation.Metrics.Spans;

/// <summary>How long one pipeline stage's spans took, in milliseconds.</summary>
public sealed record StageLatencyResult(int Count, double? MeanMs, double? P50Ms, double? P90Ms);

public static class StageLatencyMetric
{
    /// <summary>The durations of the spans named <paramref name="name"/> (<c>stt</c>, <c>llm</c>, <c>tts</c>).</summary>
    public static StageLatencyResult Compute(IReadOnlyList<AgentSpan> spans, string name)
    {
        var durations = spans.Where(s => s.Name == name).Select(s => s.Duration.TotalMilliseconds).Order().ToList();
        return durations.Count == 0
            ? new StageLatencyResult(0, null, null, null)
            : new StageLatencyResult(durations.Count, durations.Average(),
                LatencyMetric.Percentile(durations, 0.50), LatencyMetric.Percentile(durations, 0.90));
    }
}

/// <summary>Tokens the model spans report; <see cref="Spans"/> counts the model spans that carry any.</summary>
public sealed record TokenUsageResult(int Spans, long Input, long Output)
{
    public long Total => Input + Output;
}

public static class TokenUsageMetric
{
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";

    /// <summary>
    /// The sum of <c>gen_ai.usage.input_tokens</c> and <c>gen_ai.usage.output_tokens</c> over the model spans
    /// (<c>llm</c> and <c>s2s</c>). Only those two names count: an SDK's own HTTP or client spans below them may
    /// repeat the same usage attributes, and summing both would count each request twice.
    /// </summary>
    public static TokenUsageResult Compute(IReadOnlyList<AgentSpan> spans)
    {
        var (counted, input, output) = (0, 0L, 0L);
        foreach (var span in spans.Where(s => s.Name is AgentSpanNames.Llm or AgentSpanNames.SpeechToSpeech))
        {
            var (i, o) = (Tokens(span, InputTokens), Tokens(span, OutputTokens));
            if (i is null && o is null)
            {
                continue;
            }
            counted++;
            input += i ?? 0;
            output += o ?? 0;
        }
        return new TokenUsageResult(counted, input, output);
    }

    /// <summary>OTLP carries counts as int values, but some SDKs send doubles or strings; a negative count is ignored.</summary>
    private static long? Tokens(AgentSpan span, string key) => span.Attributes.GetValueOrDefault(key) switch
    {
        long l when l >= 0 => l,
        int i when i >= 0 => i,
        double d when d >= 0 && double.IsFinite(d) => (long)Math.Round(d),
        string s when long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= 0 => p,
        _ => null,
    };
}
