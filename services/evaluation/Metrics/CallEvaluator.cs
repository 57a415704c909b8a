using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Evaluation.Metrics.Interruptions;
using Cekura.Evaluation.Metrics.Latency;

namespace Cekura.Evaluation.Metrics;

/// <summary>The verdict on one call: its metric results and whether it succeeded.</summary>
public sealed record CallVerdict(IReadOnlyList<MetricResult> Metrics, bool Success);

/// <summary>Runs the deterministic predefined metrics on a transcript. Plain C#, unit-tested directly.</summary>
public static class CallEvaluator
{
    public static CallVerdict Evaluate(IReadOnlyList<TranscriptEntry> transcript)
    {
        var (turns, untimed) = SpeechTurns.From(transcript);
        var untimedNote = untimed > 0 ? [$"{untimed} speech turn(s) without start/end times were skipped."] : Array.Empty<string>();

        var latency = LatencyMetric.Compute(turns);
        var interruptions = InterruptionMetric.Compute(turns);
        var metrics = new List<MetricResult>
        {
            Latency(latency, untimedNote),
            Count(PredefinedMetrics.AiInterruptingUser, interruptions.AiInterruptingUser,
                "agent turn(s) started before the caller had finished.", untimedNote),
            Count(PredefinedMetrics.UserInterruptingAi, interruptions.UserInterruptingAi,
                "caller turn(s) started before the agent had finished.", untimedNote),
        };
        // No rubric is configured yet, so every rule is "skipped" and the call counts as a success (metrics.md).
        return new CallVerdict(metrics, Success: true);
    }

    private static MetricResult Latency(LatencyResult result, IReadOnlyList<string> notes)
    {
        var metric = PredefinedMetrics.Latency;
        if (result.MeanMs is not { } mean)
        {
            return new MetricResult
            {
                Id = metric.Id, Name = metric.Name, Type = metric.Type,
                Explanation = ["Not evaluated: no agent reply follows a timed caller turn.", .. notes],
                Extra = new Dictionary<string, JsonElement> { ["samples"] = Json(0) },
            };
        }
        return new MetricResult
        {
            Id = metric.Id,
            Name = metric.Name,
            Type = metric.Type,
            Score = Math.Round(mean, 1),
            Value = Json(Math.Round(mean, 1)),
            Explanation =
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"Mean {mean:0} ms over {result.Samples} agent repl{(result.Samples == 1 ? "y" : "ies")}; P50 {result.P50Ms:0} ms, P90 {result.P90Ms:0} ms."),
                .. notes,
            ],
            Extra = new Dictionary<string, JsonElement>
            {
                ["mean_ms"] = Json(Math.Round(mean, 1)),
                ["p50_ms"] = Json(Math.Round(result.P50Ms!.Value, 1)),
                ["p90_ms"] = Json(Math.Round(result.P90Ms!.Value, 1)),
                ["samples"] = Json(result.Samples),
            },
        };
    }

    private static MetricResult Count(PredefinedMetric metric, int count, string what, IReadOnlyList<string> notes) => new()
    {
        Id = metric.Id,
        Name = metric.Name,
        Type = metric.Type,
        Score = count,
        Value = Json(count),
        Explanation = [$"{count} {what}", .. notes],
    };

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);
}
