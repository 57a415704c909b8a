namespace Cekura.Evaluation.Llm.ChatCompletions;

/// <summary>
/// Waits between attempts at a chat-completions request (the number of retries and the per-attempt timeout come from
/// <c>Llm</c> options), as the speech-to-text client does: exponential backoff from <see cref="BaseDelay"/> up to
/// <see cref="MaxDelay"/>, with up to 20 % added so that evaluation workers hitting the same rate limit do not retry
/// in step; a <c>Retry-After</c> answer is honoured up to <see cref="MaxRetryAfter"/>, beyond which waiting longer
/// holds the stage for too long.
/// </summary>
public sealed class LlmRetry
{
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How a wait is done; tests replace it to record the waits instead of spending them.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Wait { get; init; } = Task.Delay;

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2 or more).</summary>
    internal TimeSpan Backoff(int nextAttempt, TimeSpan? retryAfter)
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
