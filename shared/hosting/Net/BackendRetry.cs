namespace Cekura.Hosting.Net;

/// <summary>
/// Waits between attempts at a request to an HTTP backend (a speech-to-text or chat-completions server; the number of
/// attempts and the per-attempt timeout come from the caller's own options). Exponential backoff from
/// <see cref="BaseDelay"/> up to <see cref="MaxDelay"/>, with up to 20 % added so that several workers hitting the same
/// limit do not retry in step; a <c>Retry-After</c> answer is honoured up to <see cref="MaxRetryAfter"/>, beyond which
/// waiting longer holds the stage for too long. Each service derives its own type, so one process running several
/// services keeps a policy per backend.
/// </summary>
public abstract class BackendRetry(TimeSpan baseDelay)
{
    public TimeSpan BaseDelay { get; init; } = baseDelay;
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How a wait is done; tests replace it to record the waits instead of spending them.</summary>
    public Func<TimeSpan, CancellationToken, Task> Wait { get; init; } = Task.Delay;

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2 or more).</summary>
    public TimeSpan Backoff(int nextAttempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > MaxRetryAfter ? MaxRetryAfter : asked;
        }
        var exponential = BaseDelay * Math.Pow(2, nextAttempt - 2);
        var capped = exponential > MaxDelay ? MaxDelay : exponential;
        return capped * (1 + Random.Shared.NextDouble() * 0.2);
    }
}
