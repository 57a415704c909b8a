using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Evaluation.Metrics.Interruptions;
using Cekura.Evaluation.Metrics.Latency;

namespace Cekura.Evaluation.Metrics;

/// <summary>The verdict on one call: its metric results and whether it succeeded.</summary>
public sealed record CallVerdict(IReadOnlyList<MetricResult> Metrics, bool Success);

/// <summary>Runs the deterministic predefined metrics on a call. Plain C#, unit-tested directly.</summary>
public static class CallEvaluator
{
    /// <param name="recording">The transcription stage's measurements; with separable stereo channels the timing
    /// metrics use its speaking segments instead of the transcript's times.</param>
    public static CallVerdict Evaluate(IReadOnlyList<TranscriptEntry> transcript, RecordingData? recording = null)
    {
        var speech = SpeechTurns.Choose(transcript, recording);
        var (turns, untimed) = (speech.Turns, speech.Untimed);
        var notes = untimed > 0
            ? [speech.Description, $"{untimed} speech turn(s) without start/end times were skipped."]
            : new[] { speech.Description };
        var (agent, caller) = speech.Source == SpeechTurns.RecordingSource
            ? ("agent speech segment(s)", "caller speech segment(s)")
            : ("agent turn(s)", "caller turn(s)");

        var latency = LatencyMetric.Compute(turns);
        var interruptions = InterruptionMetric.Compute(turns);
        var metrics = new List<MetricResult>
        {
            Latency(latency, notes, speech.Source),
            Count(PredefinedMetrics.AiInterruptingUser, interruptions.AiInterruptingUser,
                $"{agent} started before the caller had finished.", notes, speech.Source),
            Count(PredefinedMetrics.UserInterruptingAi, interruptions.UserInterruptingAi,
                $"{caller} started before the agent had finished.", notes, speech.Source),
        };
        // No rubric is configured yet, so every rule is "skipped" and the call counts as a success (metrics.md).
        return new CallVerdict(metrics, Success: true);
    }

    private static MetricResult Latency(LatencyResult result, IReadOnlyList<string> notes, string source)
    {
        var metric = PredefinedMetrics.Latency;
        if (result.MeanMs is not { } mean)
        {
            return new MetricResult
            {
                Id = metric.Id, Name = metric.Name, Type = metric.Type,
                Explanation = ["Not evaluated: no agent reply follows a timed caller turn.", .. notes],
                Extra = new Dictionary<string, JsonElement> { ["samples"] = Json(0), ["timing_source"] = Json(source) },
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
                ["timing_source"] = Json(source),
            },
        };
    }

    private static MetricResult Count(PredefinedMetric metric, int count, string what, IReadOnlyList<string> notes, string source) => new()
    {
        Id = metric.Id,
        Name = metric.Name,
        Type = metric.Type,
        Score = count,
        Value = Json(count),
        Explanation = [$"{count} {what}", .. notes],
        Extra = new Dictionary<string, JsonElement> { ["timing_source"] = Json(source) },
    };

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);
}
