using System.Diagnostics;

namespace Cekura.Hosting.Telemetry;

/// <summary>The activity source of our own spans, and how a call's processing joins the call's trace.</summary>
public static class CekuraTelemetry
{
    public const string SourceName = "Cekura";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>True for a W3C trace id: 32 hex digits, not all zeros.</summary>
    public static bool IsValidTraceId(string? value) =>
        value is { Length: 32 } && value.All(char.IsAsciiHexDigit) && value.Any(c => c != '0');

    /// <summary>
    /// Starts a span in the trace <paramref name="traceId"/> (as a remote parent that was sampled, so the
    /// default parent-based sampler keeps it; an unsampled parent would make MassTransit start a new trace).
    /// Without a trace id the span is a child of the current activity.
    /// </summary>
    public static Activity? StartInTrace(string name, string? traceId, ActivityKind kind = ActivityKind.Internal)
    {
        if (!IsValidTraceId(traceId))
        {
            return Source.StartActivity(name, kind);
        }
        var parent = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId!.ToLowerInvariant()), ActivitySpanId.CreateRandom(),
            ActivityTraceFlags.Recorded, isRemote: true);
        var links = Activity.Current is { } current ? new[] { new ActivityLink(current.Context) } : null;
        return Source.StartActivity(name, kind, parent, links: links);
    }
}
