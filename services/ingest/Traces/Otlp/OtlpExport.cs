using Cekura.Contracts.Traces;

namespace Cekura.Ingest.Traces.Otlp;

/// <summary>
/// What one OTLP <c>ExportTraceServiceRequest</c> held: the spans that can be kept, and those refused (an id that is
/// not OTLP's 16/8 bytes, or all zeros), which the response reports as <c>partial_success.rejected_spans</c>.
/// </summary>
public sealed record OtlpExport(IReadOnlyList<AgentSpan> Spans, long RejectedSpans, string? RejectionReason)
{
    /// <summary>The refusals so far, with the first reason kept for the response's <c>error_message</c>.</summary>
    public sealed class Builder
    {
        private readonly List<AgentSpan> _spans = [];
        private long _rejected;
        private string? _reason;

        public void Add(AgentSpan span) => _spans.Add(span);

        public void Reject(string reason)
        {
            _rejected++;
            _reason ??= reason;
        }

        public OtlpExport Build() => new(_spans, _rejected, _reason);
    }

    /// <summary>OTLP's status codes (<c>STATUS_CODE_UNSET</c>, <c>_OK</c>, <c>_ERROR</c>) as the contract's names.</summary>
    public static string StatusName(long code) => code switch
    {
        1 => AgentSpan.StatusOk,
        2 => AgentSpan.StatusError,
        _ => AgentSpan.StatusUnset,
    };

    /// <summary>The span from its decoded fields, or the reason it is refused.</summary>
    public static void AddSpan(
        Builder export, string? traceId, string? spanId, string? parentSpanId, string name, string? service, ulong startNanos,
        ulong endNanos, IReadOnlyDictionary<string, object?> attributes, string status, string? statusMessage)
    {
        if (traceId is null || traceId.Length != 32 || traceId.All(c => c == '0'))
        {
            export.Reject("A span's trace_id must be 16 bytes, not all zero.");
            return;
        }
        if (spanId is null || spanId.Length != 16 || spanId.All(c => c == '0'))
        {
            export.Reject("A span's span_id must be 8 bytes, not all zero.");
            return;
        }
        export.Add(new AgentSpan(
            traceId, spanId, string.IsNullOrEmpty(parentSpanId) || parentSpanId.All(c => c == '0') ? null : parentSpanId,
            name, service, FromUnixNanos(startNanos), FromUnixNanos(endNanos), attributes, status,
            string.IsNullOrEmpty(statusMessage) ? null : statusMessage));
    }

    // DateTimeOffset keeps 100 ns ticks; OTLP's nanoseconds beyond that are dropped. Far-future garbage is clamped
    // rather than thrown on.
    private static DateTimeOffset FromUnixNanos(ulong nanos)
    {
        var ticks = Math.Min(nanos / 100, (ulong)(DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks));
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (long)ticks, TimeSpan.Zero);
    }
}

/// <summary>A body that is not a valid OTLP trace export in its declared encoding (answered <c>400</c>).</summary>
public sealed class OtlpFormatException(string message, Exception? inner = null) : Exception(message, inner);
