namespace Cekura.Hosting.Webhooks;

/// <summary>How one attempt ended, as seen by the sender.</summary>
/// <param name="StatusCode">The receiver's status code, when it answered.</param>
/// <param name="Error">Why the attempt failed (never holding the secret, the body or the URL's path); null when delivered.</param>
/// <param name="RetryAfter">The receiver's <c>Retry-After</c> on a 429 or 503.</param>
/// <param name="Permanent">Retrying cannot help (the URL is refused by the SSRF policy or malformed).</param>
public sealed record WebhookAttemptResult(int? StatusCode, string? Error, TimeSpan? RetryAfter = null, bool Permanent = false)
{
    public bool Delivered => Error is null;

    public static WebhookAttemptResult Success(int statusCode) => new(statusCode, null);

    public static WebhookAttemptResult Failure(string error, int? statusCode = null, TimeSpan? retryAfter = null) =>
        new(statusCode, error, retryAfter);

    public static WebhookAttemptResult Refused(string error) => new(null, error, Permanent: true);
}

public enum WebhookVerdict
{
    Delivered,
    Retry,
    Abandon,
}

/// <param name="Delay">For <see cref="WebhookVerdict.Retry"/>: how long to wait before the next attempt.</param>
public sealed record WebhookDecision(WebhookVerdict Verdict, TimeSpan Delay);

/// <summary>
/// What follows an attempt. Every failure is retried, 4xx included: Cekura promises "retrying with backoff on
/// failure" without exceptions, and a receiver's 401/404 is usually a deploy or configuration slip fixed within the
/// retry window. Only a permanent refusal (SSRF policy, malformed URL) or the last attempt abandons a delivery.
/// </summary>
public sealed class WebhookRetryPolicy(int maxAttempts, TimeSpan backoffBase, TimeSpan backoffCap)
{
    /// <param name="attempt">The attempt that just ended, counted from 1.</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    public WebhookDecision Decide(int attempt, WebhookAttemptResult result, double jitter) =>
        result.Delivered ? new(WebhookVerdict.Delivered, TimeSpan.Zero)
        : result.Permanent || attempt >= maxAttempts ? new(WebhookVerdict.Abandon, TimeSpan.Zero)
        : new(WebhookVerdict.Retry, Delay(attempt, result.RetryAfter, jitter));

    /// <summary>
    /// base × 2^(failures − 1), capped, then shortened by up to a quarter at random so deliveries that failed together
    /// (a receiver's outage) do not all come back in the same instant. A longer <c>Retry-After</c> is honoured up to
    /// the cap, so a receiver cannot park a delivery beyond our own slowest retry.
    /// </summary>
    public TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter, double jitter)
    {
        var doubled = backoffBase.TotalSeconds * Math.Pow(2, Math.Min(failedAttempts - 1, 60));
        var backoff = TimeSpan.FromSeconds(Math.Min(doubled, backoffCap.TotalSeconds) * (1 - 0.25 * Math.Clamp(jitter, 0, 1)));
        return retryAfter is { } asked && asked > backoff ? (asked < backoffCap ? asked : backoffCap) : backoff;
    }
}
