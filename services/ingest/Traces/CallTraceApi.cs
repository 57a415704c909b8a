using Cekura.Contracts.Traces;
using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;

namespace Cekura.Ingest.Traces;

/// <summary>One span as the API shows it; <c>kind</c> is the documented span it is (<see cref="AgentSpanNames"/>), else null.</summary>
public sealed record AgentSpanView(
    string Name, string SpanId, string? ParentSpanId, string StartTime, string EndTime, double DurationMs,
    IReadOnlyDictionary<string, object?> Attributes, AgentSpanStatusView Status, string? Service, string? Kind);

public sealed record AgentSpanStatusView(string Code, string? Message);

/// <summary>A call's trace: its spans by start time, and what the caps dropped.</summary>
public sealed record AgentTraceView(string TraceId, IReadOnlyList<AgentSpanView> Spans, long DroppedSpans, long DroppedAttributes);

/// <summary><c>GET /observability/v1/call-logs/{id}/trace/</c>: the voice agent's own spans for the call's <c>trace_id</c>.</summary>
public static class CallTraceApi
{
    public static RouteGroupBuilder MapCallTraceApi(this RouteGroupBuilder group)
    {
        group.MapGet("/observability/v1/call-logs/{id:long}/trace/", GetAsync)
            .WithName("GetCallTrace")
            .WithSummary("The voice agent's spans (received on POST /v1/traces) for the call's trace_id, by start time; 404 when the call, its trace_id or the spans are missing.")
            .Produces<AgentTraceView>()
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, ICallStore calls, IAgentTraceStore traces)
    {
        var projectId = http.Tenant().ProjectId;
        var call = await calls.GetAsync(projectId, id, http.RequestAborted);
        if (call is null)
        {
            return ApiErrors.NotFound();
        }
        if (string.IsNullOrEmpty(call.TraceId))
        {
            return ApiErrors.Detail(StatusCodes.Status404NotFound, "This call log has no trace_id.");
        }
        var trace = await traces.GetAsync(projectId, call.TraceId, http.RequestAborted);
        return trace is null
            ? ApiErrors.Detail(StatusCodes.Status404NotFound,
                $"No spans of trace {call.TraceId} have been received; export them to POST /v1/traces with this project's API key.")
            : Results.Json(View(trace));
    }

    public static AgentTraceView View(AgentTrace trace) => new(
        trace.TraceId,
        trace.Spans.Select(s => new AgentSpanView(
            s.Name, s.SpanId, s.ParentSpanId, Time(s.Start), Time(s.End), s.Duration.TotalMilliseconds,
            s.Attributes.ToDictionary(a => a.Key, a => Printable(a.Value), StringComparer.Ordinal),
            new AgentSpanStatusView(s.StatusCode, s.StatusMessage), s.Service, RecognisedSpans.KindOf(s.Name))).ToList(),
        trace.DroppedSpans,
        trace.DroppedAttributes);

    // Seven fractional digits: spans are kept to 100 ns, and a turn's breakdown is read from these.
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    // JSON has no NaN or infinity; the value is shown as OTLP's JSON mapping spells it.
    private static object? Printable(object? value) => value switch
    {
        double d when !double.IsFinite(d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity",
        IReadOnlyList<object?> items => items.Select(Printable).ToList(),
        _ => value,
    };
}
