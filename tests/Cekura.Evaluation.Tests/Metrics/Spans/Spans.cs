using Cekura.Contracts.Traces;

namespace Cekura.Evaluation.Tests.Metrics.Spans;

/// <summary>Hand-built spans on a call that starts at <see cref="CallStart"/>; times in seconds from it.</summary>
internal static class Spans
{
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public static readonly DateTimeOffset CallStart = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public static AgentSpan Root(double start = 0, double end = 60) =>
        Span(AgentSpanNames.Conversation, start, end, parent: null);

    public static AgentSpan Span(string name, double start, double end, string? parent = "00f067aa0ba902b7",
        IReadOnlyDictionary<string, object?>? attributes = null) =>
        new(TraceId, Guid.NewGuid().ToString("N")[..16], parent, name, "agent",
            CallStart.AddTicks((long)Math.Round(start * TimeSpan.TicksPerSecond)),
            CallStart.AddTicks((long)Math.Round(end * TimeSpan.TicksPerSecond)),
            attributes ?? new Dictionary<string, object?>());
}
