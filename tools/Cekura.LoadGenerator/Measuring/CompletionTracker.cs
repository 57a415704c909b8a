using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Cekura.LoadGenerator.Measuring;

/// <summary>An accepted call and when it was seen to pass the chain's stages.</summary>
public sealed class TrackedCall(AcceptedCall call)
{
    public AcceptedCall Call { get; } = call;

    /// <summary>First seen with a duration (the transcription stage sets it); poll granularity.</summary>
    public DateTimeOffset? TranscribedAt { get; set; }

    /// <summary>Evaluated: the call's <c>updated_at</c> when the server's clock agrees with ours, else when it was seen.</summary>
    public DateTimeOffset? EvaluatedAt { get; set; }

    /// <summary>Its <c>processing_stage</c> when the wait ended without it being evaluated.</summary>
    public string? LeftAt { get; set; }
}

/// <summary>
/// Follows accepted calls through the chain by polling the list endpoint with the ids still pending
/// (<c>call_ids</c>, 500 at a time) and a filter that only matches calls past a stage, so each call's (large) view is
/// read about once per stage, not once per poll: <c>status</c> is set by the evaluation stage, <c>duration</c> by
/// transcription.
/// </summary>
public sealed class CompletionTracker(HttpClient http, TimeSpan pollInterval)
{
    private const int IdsPerRequest = 500;
    private const int PageSize = 100;
    private static readonly string Evaluated = Uri.EscapeDataString("""{"field": "status", "op": "isnull", "value": false}""");
    private static readonly string Transcribed = Uri.EscapeDataString("""{"field": "duration", "op": "isnull", "value": false}""");

    private readonly ConcurrentDictionary<long, TrackedCall> _calls = new();

    public int PollErrors { get; private set; }

    public IReadOnlyList<TrackedCall> For(IEnumerable<AcceptedCall> calls) => calls.Select(c => _calls[c.Id]).ToList();

    public void Add(AcceptedCall call) => _calls.TryAdd(call.Id, new TrackedCall(call));

    public void Add(IEnumerable<AcceptedCall> calls)
    {
        foreach (var call in calls)
        {
            _calls.TryAdd(call.Id, new TrackedCall(call));
        }
    }

    /// <summary>Polls until <paramref name="cancellationToken"/> ends it (runs beside the phases).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(pollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await PollOnceAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Waits until every call of <paramref name="calls"/> is evaluated, <paramref name="timeout"/> passes, or none
    /// completes for <paramref name="stall"/>; then records where the others are.
    /// </summary>
    public async Task DrainAsync(IReadOnlyCollection<AcceptedCall> calls, TimeSpan timeout, TimeSpan stall, Action<int, int>? progress = null)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var lastDone = -1;
        var lastProgressAt = DateTimeOffset.UtcNow;
        while (true)
        {
            var done = calls.Count(c => _calls[c.Id].EvaluatedAt is not null);
            if (done != lastDone)
            {
                progress?.Invoke(done, calls.Count);
                lastDone = done;
                lastProgressAt = DateTimeOffset.UtcNow;
            }
            if (done == calls.Count || DateTimeOffset.UtcNow > deadline || DateTimeOffset.UtcNow - lastProgressAt > stall)
            {
                break;
            }
            await Task.Delay(pollInterval);
        }
        var left = calls.Where(c => _calls[c.Id].EvaluatedAt is null).Select(c => c.Id).ToList();
        foreach (var chunk in left.Chunk(IdsPerRequest))
        {
            await ReadPagesAsync(chunk, null, (view, _) =>
            {
                if (_calls.TryGetValue(view.GetProperty("id").GetInt64(), out var tracked) && tracked.EvaluatedAt is null)
                {
                    tracked.LeftAt = view.GetProperty("processing_stage").GetString();
                }
            }, CancellationToken.None);
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var pendingEvaluation = _calls.Values.Where(c => c.EvaluatedAt is null).Select(c => c.Call.Id).ToList();
        var pendingTranscription = _calls.Values.Where(c => c.EvaluatedAt is null && c.TranscribedAt is null).Select(c => c.Call.Id).ToList();
        try
        {
            foreach (var chunk in pendingTranscription.Chunk(IdsPerRequest))
            {
                await ReadPagesAsync(chunk, Transcribed, (view, seen) => Mark(view, seen, evaluated: false), cancellationToken);
            }
            foreach (var chunk in pendingEvaluation.Chunk(IdsPerRequest))
            {
                await ReadPagesAsync(chunk, Evaluated, (view, seen) => Mark(view, seen, evaluated: true), cancellationToken);
            }
        }
        catch (HttpRequestException)
        {
            PollErrors++;
        }
    }

    private void Mark(JsonElement view, DateTimeOffset seen, bool evaluated)
    {
        if (!_calls.TryGetValue(view.GetProperty("id").GetInt64(), out var tracked))
        {
            return;
        }
        if (!evaluated)
        {
            tracked.TranscribedAt ??= seen;
            return;
        }
        tracked.EvaluatedAt ??= CompletionTime(tracked.Call.SentAt, seen, view.GetProperty("updated_at").GetString());
        tracked.TranscribedAt ??= tracked.EvaluatedAt;
    }

    /// <summary>
    /// The server's <c>updated_at</c> is exact where the poll is a second coarse; it is believed only when it falls
    /// between the send and the poll that saw the call (give or take clock skew), else the poll's time is used.
    /// </summary>
    public static DateTimeOffset CompletionTime(DateTimeOffset sentAt, DateTimeOffset seenAt, string? updatedAt)
    {
        var slack = TimeSpan.FromSeconds(1);
        return DateTimeOffset.TryParse(updatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var server)
               && server >= sentAt - slack && server <= seenAt + slack
            ? (server < sentAt ? sentAt : server)
            : seenAt;
    }

    /// <summary>Calls <paramref name="each"/> with every view listed and when its page arrived (so a stage is never dated before it was seen).</summary>
    private async Task ReadPagesAsync(long[] ids, string? filter, Action<JsonElement, DateTimeOffset> each, CancellationToken cancellationToken)
    {
        var query = $"/observability/v2/call-logs/?page_size={PageSize}&call_ids={string.Join(',', ids)}" + (filter is null ? "" : $"&filters_v2={filter}");
        for (var page = 1; ; page++)
        {
            using var response = await http.GetAsync($"{query}&page={page}", cancellationToken);
            var seen = DateTimeOffset.UtcNow;
            if (!response.IsSuccessStatusCode)
            {
                PollErrors++;
                return;
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            foreach (var view in json.RootElement.GetProperty("results").EnumerateArray())
            {
                each(view, seen);
            }
            if (json.RootElement.GetProperty("next").ValueKind != JsonValueKind.String)
            {
                return;
            }
        }
    }
}
