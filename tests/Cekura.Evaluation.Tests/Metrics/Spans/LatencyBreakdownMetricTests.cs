using Cekura.Contracts.Traces;
using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Spans;
using static Cekura.Evaluation.Metrics.Spans.LatencySegmentKind;

namespace Cekura.Evaluation.Tests.Metrics.Spans;

public sealed class LatencyBreakdownMetricTests
{
    private static SpeechTurn Caller(double start, double end) => new(IsAgent: false, start, end);
    private static SpeechTurn Agent(double start, double end) => new(IsAgent: true, start, end);

    private static (LatencySegmentKind, double, double)[] Ms(TurnBreakdown turn) =>
        [.. turn.Segments.Select(s => (s.Kind, s.Start.TotalMilliseconds, s.Duration.TotalMilliseconds))];

    [Fact]
    public void Stt_llm_tts_in_sequence_with_a_gap_tile_the_reply_and_the_rest_is_uncovered()
    {
        // The caller stops at 2 s, the agent starts at 2.904 s: "where did the 904 ms go?"
        AgentSpan[] spans =
        [
            Spans.Root(),
            Spans.Span("stt", 1.9, 2.18),    // starts before the gap: clipped to it
            Spans.Span("llm", 2.2, 2.6),
            Spans.Span("tts", 2.6, 2.85),
        ];

        var result = LatencyBreakdownMetric.Compute([Caller(0, 2), Agent(2.904, 4)], spans, null);

        var turn = Assert.Single(result.Turns);
        Assert.Equal(TraceOrigin.ConversationSpan, result.Origin);
        Assert.Equal(1, turn.TurnIndex);
        Assert.Equal(904, turn.Measured.TotalMilliseconds, 6);
        Assert.Equal([(SpeechToText, 0, 180), (Uncovered, 180, 20), (Model, 200, 400), (SpeechSynthesis, 600, 250), (Uncovered, 850, 54)],
            Ms(turn).Select(s => (s.Item1, Math.Round(s.Item2, 6), Math.Round(s.Item3, 6))));
        Assert.Equal(TimeSpan.FromMilliseconds(74), turn.Of(Uncovered));
    }

    [Fact]
    public void Overlapping_spans_give_each_instant_to_tool_then_tts_then_model_then_stt()
    {
        AgentSpan[] spans =
        [
            Spans.Root(),
            Spans.Span("stt", 10.0, 10.5),
            Spans.Span("llm", 10.2, 11.0),
            Spans.Span("tool_call", 10.4, 10.6),
            Spans.Span("tts", 10.8, 11.2),
            Spans.Span("s2s", 11.1, 11.3), // a speech-to-speech model counts as the model stage
        ];

        var turn = LatencyBreakdownMetric.Compute([Caller(9, 10), Agent(11.4, 12)], spans, null).Turns.Single();

        Assert.Equal([(SpeechToText, 0, 200), (Model, 200, 200), (ToolCall, 400, 200), (Model, 600, 200), (SpeechSynthesis, 800, 400),
            (Model, 1200, 100), (Uncovered, 1300, 100)], Ms(turn).Select(s => (s.Item1, Math.Round(s.Item2, 6), Math.Round(s.Item3, 6))));
    }

    [Fact]
    public void Spans_outside_every_reply_are_counted_and_left_out()
    {
        AgentSpan[] spans =
        [
            Spans.Root(),
            Spans.Span("llm", 0.2, 0.8),   // while the caller speaks
            Spans.Span("tts", 3.0, 3.5),   // while the agent speaks
            Spans.Span("http", 1.0, 1.5),  // not a stage span
            Spans.Span("llm", 1.1, 1.4),
        ];

        var result = LatencyBreakdownMetric.Compute([Caller(0, 1), Agent(1.5, 4)], spans, null);

        Assert.Equal(3, result.StageSpans);
        Assert.Equal(2, result.StageSpansOutside);
        Assert.Equal([(Uncovered, 0, 100), (Model, 100, 300), (Uncovered, 400, 100)],
            Ms(result.Turns.Single()).Select(s => (s.Item1, Math.Round(s.Item2, 6), Math.Round(s.Item3, 6))));
    }

    [Fact]
    public void A_reply_with_no_span_is_all_uncovered_and_interruptions_are_not_replies()
    {
        var result = LatencyBreakdownMetric.Compute(
            [Caller(0, 1), Agent(1.3, 2), Caller(2.5, 4), Agent(3.5, 5)], [Spans.Root()], null);

        var turn = Assert.Single(result.Turns); // the agent's second turn starts before the caller finished
        Assert.Equal([(Uncovered, 0.0, 300.0)], Ms(turn).Select(s => (s.Item1, Math.Round(s.Item2, 6), Math.Round(s.Item3, 6))));
    }

    [Fact]
    public void Without_a_conversation_span_the_call_start_is_second_zero_and_without_either_nothing_is_placed()
    {
        AgentSpan[] spans = [Spans.Span("llm", 1.0, 1.2)];
        SpeechTurn[] turns = [Caller(0, 1), Agent(1.2, 2)];

        var fromCall = LatencyBreakdownMetric.Compute(turns, spans, Spans.CallStart);
        var none = LatencyBreakdownMetric.Compute(turns, spans, null);

        Assert.Equal(TraceOrigin.CallStart, fromCall.Origin);
        Assert.Equal([(Model, 0.0, 200.0)], Ms(fromCall.Turns.Single()).Select(s => (s.Item1, Math.Round(s.Item2, 6), Math.Round(s.Item3, 6))));
        Assert.Null(none.Origin);
        Assert.Empty(none.Turns);
    }

    [Fact]
    public void The_root_conversation_span_sets_second_zero_even_when_the_call_start_differs()
    {
        // The agent opened its conversation span 2 s after the timestamp the call was posted with.
        AgentSpan[] spans = [Spans.Root(start: 2), Spans.Span("llm", 3.0, 3.2), Spans.Span("conversation", 2.5, 3, parent: "abc")];

        var turn = LatencyBreakdownMetric.Compute([Caller(0, 1), Agent(1.2, 2)], spans, Spans.CallStart).Turns.Single();

        Assert.Equal([(Model, 0.0, 200.0)], Ms(turn).Select(s => (s.Item1, Math.Round(s.Item2, 6), Math.Round(s.Item3, 6))));
    }

    /// <summary>Property: for any turns and spans, each reply's segments are contiguous from 0 and sum to the tick.</summary>
    [Fact]
    public void Segments_are_contiguous_and_sum_exactly_to_the_measured_latency_for_random_inputs()
    {
        string[] names = ["stt", "llm", "tts", "tool_call", "s2s", "other", "conversation"];
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var turns = new List<SpeechTurn>();
            var t = random.NextDouble();
            for (var i = 0; i < random.Next(0, 12); i++)
            {
                var start = t + random.NextDouble() * 2 - 0.3; // sometimes overlapping the previous turn
                var end = start + random.NextDouble() * 3;
                turns.Add(new SpeechTurn(random.Next(2) == 0, start, end));
                t = end;
            }
            turns.Sort((a, b) => a.Start.CompareTo(b.Start));
            var spans = Enumerable.Range(0, random.Next(0, 30)).Select(_ =>
            {
                var start = random.NextDouble() * (t + 2) - 1;
                return Spans.Span(names[random.Next(names.Length)], start, start + random.NextDouble() * 1.5 - 0.1);
            }).ToList();
            DateTimeOffset? callStart = random.Next(2) == 0 ? Spans.CallStart.AddMilliseconds(random.Next(-500, 500)) : null;

            var result = LatencyBreakdownMetric.Compute(turns, spans, callStart);

            Assert.Equal(result.Origin is null ? 0 : Latency(turns), result.Turns.Count);
            foreach (var turn in result.Turns)
            {
                Assert.Equal(turn.Measured.Ticks, turn.Segments.Sum(s => s.Duration.Ticks));
                var at = TimeSpan.Zero;
                foreach (var segment in turn.Segments)
                {
                    Assert.Equal(at, segment.Start);
                    Assert.True(segment.Duration > TimeSpan.Zero, $"seed {seed}: empty segment");
                    at += segment.Duration;
                }
                Assert.All(turn.Segments.Zip(turn.Segments.Skip(1)), p => Assert.NotEqual(p.First.Kind, p.Second.Kind));
            }
        }
    }

    private static int Latency(IReadOnlyList<SpeechTurn> turns) =>
        Cekura.Evaluation.Metrics.Latency.LatencyMetric.Compute(turns).Samples;
}
