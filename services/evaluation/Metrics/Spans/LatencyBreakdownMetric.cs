using Cekura.Contracts.Traces;

namespace Cekura.Evaluation.Metrics.Spans;

/// <summary>
/// What a stretch of a reply's latency is attributed to, in ascending precedence: where spans of several kinds
/// overlap, the instant goes to the highest one (tool call &gt; speech synthesis &gt; model &gt; speech-to-text).
/// A tool call blocks the model's answer, and synthesis that has started is what the caller waits on, so the later
/// stage of the pipeline wins; the order is a convention, documented in the README, not a measurement.
/// </summary>
public enum LatencySegmentKind
{
    /// <summary>No recognised span covers the instant: network, turn detection, queues, or an uninstrumented step.</summary>
    Uncovered,
    SpeechToText,
    /// <summary><c>llm</c> and <c>s2s</c> spans (a speech-to-speech model is the model stage).</summary>
    Model,
    SpeechSynthesis,
    ToolCall,
}

/// <summary>One contiguous stretch of a reply's latency; <see cref="Start"/> is from the caller's end.</summary>
public readonly record struct LatencySegment(LatencySegmentKind Kind, TimeSpan Start, TimeSpan Duration);

/// <summary>
/// One agent reply's latency split into segments that tile it: their durations sum exactly (to the tick) to
/// <see cref="Measured"/>.
/// </summary>
/// <param name="TurnIndex">The agent turn's index in the timed speech turns (0-based, start order).</param>
/// <param name="CallerEnd">Seconds from the call start at which the caller stopped.</param>
/// <param name="AgentStart">Seconds from the call start at which the agent started.</param>
public sealed record TurnBreakdown(int TurnIndex, double CallerEnd, double AgentStart, TimeSpan Measured, IReadOnlyList<LatencySegment> Segments)
{
    public TimeSpan Of(LatencySegmentKind kind) =>
        TimeSpan.FromTicks(Segments.Where(s => s.Kind == kind).Sum(s => s.Duration.Ticks));
}

/// <summary>Where the trace's time zero came from.</summary>
public enum TraceOrigin
{
    /// <summary>The start of the root <c>conversation</c> span is taken as the call's second 0.</summary>
    ConversationSpan,
    /// <summary>No <c>conversation</c> span: the call's own start timestamp is taken as second 0.</summary>
    CallStart,
}

/// <param name="Origin">Null when neither a <c>conversation</c> span nor the call's start was available.</param>
/// <param name="StageSpans">Spans of a recognised stage (<c>stt</c>, <c>llm</c>, <c>s2s</c>, <c>tts</c>, <c>tool_call</c>).</param>
/// <param name="StageSpansOutside">Of those, the ones that overlap no reply's latency (they ran while someone spoke).</param>
public sealed record LatencyBreakdownResult(TraceOrigin? Origin, IReadOnlyList<TurnBreakdown> Turns, int StageSpans, int StageSpansOutside);

public static class LatencyBreakdownMetric
{
    /// <summary>
    /// Splits each reply's latency (the caller stops → the agent starts, as <see cref="Latency.LatencyMetric"/>
    /// measures it on the same turns) into the spans that ran during it.
    /// </summary>
    /// <remarks>
    /// Spans carry absolute times, turns carry seconds from the call's start. The two are aligned by assuming the
    /// agent opens its root <c>conversation</c> span when the call starts (the first one without a parent, else the
    /// earliest); without one, <paramref name="callStart"/> is second 0. A clock skew between the agent and the
    /// recording shifts every segment the same way, so it shows as spans moving into or out of "uncovered".
    /// Each reply's window is cut at every span edge inside it; each piece goes to the highest-precedence kind of
    /// span covering it (<see cref="LatencySegmentKind"/>), or to <see cref="LatencySegmentKind.Uncovered"/>;
    /// neighbouring pieces of one kind are merged. All arithmetic is in whole ticks, so the pieces sum exactly.
    /// </remarks>
    public static LatencyBreakdownResult Compute(IReadOnlyList<SpeechTurn> turns, IReadOnlyList<AgentSpan> spans, DateTimeOffset? callStart)
    {
        var (origin, zero) = Origin(spans, callStart);
        var stage = new List<(LatencySegmentKind Kind, long Start, long End)>();
        foreach (var span in spans)
        {
            if (Kind(span.Name) is { } kind && zero is { } z && span.End > span.Start)
            {
                stage.Add((kind, (span.Start - z).Ticks, (span.End - z).Ticks));
            }
        }
        var stageCount = spans.Count(s => Kind(s.Name) is not null);
        if (origin is null)
        {
            return new LatencyBreakdownResult(null, [], stageCount, stageCount);
        }

        var used = new bool[stage.Count];
        var breakdowns = new List<TurnBreakdown>();
        for (var i = 1; i < turns.Count; i++)
        {
            var (previous, current) = (turns[i - 1], turns[i]);
            if (!current.IsAgent || previous.IsAgent || current.Start < previous.End)
            {
                continue;
            }
            var (from, to) = (Ticks(previous.End), Ticks(current.Start));
            var overlapping = new List<(LatencySegmentKind Kind, long Start, long End)>();
            for (var s = 0; s < stage.Count; s++)
            {
                if (stage[s].Start < to && stage[s].End > from)
                {
                    overlapping.Add(stage[s]);
                    used[s] = true;
                }
            }
            breakdowns.Add(new TurnBreakdown(i, previous.End, current.Start, TimeSpan.FromTicks(to - from), Tile(from, to, overlapping)));
        }
        return new LatencyBreakdownResult(origin, breakdowns, stageCount, stageCount - used.Count(u => u));
    }

    /// <summary>The recognised stage a span name stands for; null for any other span.</summary>
    public static LatencySegmentKind? Kind(string name) => name switch
    {
        AgentSpanNames.SpeechToText => LatencySegmentKind.SpeechToText,
        AgentSpanNames.Llm or AgentSpanNames.SpeechToSpeech => LatencySegmentKind.Model,
        AgentSpanNames.TextToSpeech => LatencySegmentKind.SpeechSynthesis,
        AgentSpanNames.ToolCall => LatencySegmentKind.ToolCall,
        _ => null,
    };

    /// <summary>The snake_case name a kind has in results and in the console.</summary>
    public static string Name(LatencySegmentKind kind) => kind switch
    {
        LatencySegmentKind.SpeechToText => "stt",
        LatencySegmentKind.Model => "llm",
        LatencySegmentKind.SpeechSynthesis => "tts",
        LatencySegmentKind.ToolCall => "tool_call",
        _ => "uncovered",
    };

    private static (TraceOrigin?, DateTimeOffset?) Origin(IReadOnlyList<AgentSpan> spans, DateTimeOffset? callStart)
    {
        var root = spans.Where(s => s.Name == AgentSpanNames.Conversation)
            .OrderBy(s => s.ParentSpanId is null ? 0 : 1).ThenBy(s => s.Start)
            .FirstOrDefault();
        return root is not null ? (TraceOrigin.ConversationSpan, root.Start)
            : callStart is { } start ? (TraceOrigin.CallStart, start)
            : (null, null);
    }

    /// <summary>Seconds from the call start to ticks, rounded to the nearest tick (100 ns).</summary>
    private static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private static List<LatencySegment> Tile(long from, long to, List<(LatencySegmentKind Kind, long Start, long End)> spans)
    {
        var cuts = new SortedSet<long> { from, to };
        foreach (var span in spans)
        {
            cuts.Add(Math.Clamp(span.Start, from, to));
            cuts.Add(Math.Clamp(span.End, from, to));
        }
        var segments = new List<LatencySegment>();
        long? previous = null;
        foreach (var cut in cuts)
        {
            if (previous is { } start)
            {
                var kind = LatencySegmentKind.Uncovered;
                foreach (var span in spans)
                {
                    if (span.Start <= start && span.End >= cut && span.Kind > kind)
                    {
                        kind = span.Kind;
                    }
                }
                if (segments.Count > 0 && segments[^1].Kind == kind)
                {
                    segments[^1] = segments[^1] with { Duration = segments[^1].Duration + TimeSpan.FromTicks(cut - start) };
                }
                else
                {
                    segments.Add(new LatencySegment(kind, TimeSpan.FromTicks(start - from), TimeSpan.FromTicks(cut - start)));
                }
            }
            previous = cut;
        }
        return segments;
    }
}
