using System.Diagnostics;
using System.Text.Json;
using Cekura.LoadGenerator.Calls;
using Cekura.LoadGenerator.Measuring;

namespace Cekura.LoadGenerator.Running;

/// <summary>Sends one call (to Send Calls or to the no-op endpoint) and records its outcome.</summary>
/// <param name="onAccepted">Told of each accepted call as soon as it is, so its progress through the chain is followed from then.</param>
/// <param name="spans">With <c>--plan spans</c>: sends these OTLP exports (to <c>/v1/traces</c>, or the same bytes to the no-op) instead of calls.</param>
public sealed class Sender(
    HttpClient http, IReadOnlyList<CallTemplate> pool, string runId, TimeSpan timeout, Action<AcceptedCall>? onAccepted = null, SpanExports? spans = null)
{
    public const string SendCallsPath = "/observability/v1/observe/";
    public const string NoOpPath = "/observability/v1/noop/";
    private long _sequence;

    /// <summary>
    /// Sends call number n of the run to <paramref name="path"/>. <paramref name="dueTimestamp"/> is the
    /// <see cref="Stopwatch"/> time it was due: latency counts from then, so time spent waiting for a free connection
    /// or behind a slow answer is included.
    /// </summary>
    public async Task SendAsync(PhaseResult phase, long dueTimestamp, DateTimeOffset dueAt, long windowEndTimestamp = long.MaxValue)
    {
        var n = Interlocked.Increment(ref _sequence);
        var template = pool[(int)(n % pool.Count)];
        var callId = $"{runId}-{n}";
        phase.CountSent();
        using var cancel = new CancellationTokenSource(timeout);
        string outcome;
        AcceptedCall? accepted = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, phase.NoOp ? NoOpPath : spans is null ? SendCallsPath : SpanExports.Path)
            {
                Content = spans is null ? template.Body(callId) : spans.Body(n),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancel.Token);
            outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!phase.NoOp && spans is null && response.StatusCode == System.Net.HttpStatusCode.Created)
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
                using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancel.Token);
                accepted = new AcceptedCall(json.RootElement.GetProperty("id").GetInt64(), dueAt, template.HasRecording, template.Format);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            outcome = "timeout";
        }
        catch (HttpRequestException)
        {
            outcome = "connection";
        }
        if (accepted is not null)
        {
            onAccepted?.Invoke(accepted);
        }
        phase.Record(outcome, Stopwatch.GetElapsedTime(dueTimestamp).TotalMilliseconds, accepted,
            Stopwatch.GetTimestamp() <= windowEndTimestamp, withRecording: spans is null && template.HasRecording);
    }
}
