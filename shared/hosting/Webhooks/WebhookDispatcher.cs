using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Webhooks;

/// <summary>
/// Sends what the webhook outbox holds: claims due deliveries (leased, so several processes can run a dispatcher on
/// one store), makes one attempt at each, and records delivered, retry-at or abandoned. Wakes at once when this
/// process enqueues, at the next retry it scheduled itself, and otherwise every poll interval. Logs name the
/// delivery, the call log and the receiver's host, never the secret, the body or the URL's path.
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookOutbox outbox, WebhookSender sender, WebhookWakeUp wakeUp, TimeProvider clock,
    IOptions<WebhookOptions> options, CekuraMetrics metrics, ILogger<WebhookDispatcher> logger,
    IOptions<HostOptions>? host = null) : BackgroundService
{
    // Finished rows only need to go eventually; one delete every ten minutes keeps the table small at no cost.
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromMinutes(10);

    private readonly WebhookOptions settings = options.Value;
    private readonly WebhookRetryPolicy retries = new(options.Value.MaxAttempts,
        TimeSpan.FromSeconds(options.Value.BackoffBaseSeconds), TimeSpan.FromSeconds(options.Value.BackoffCapSeconds));

    /// <summary>
    /// <see cref="WebhookOptions.StopGraceSeconds"/>, but never past 60 % of the host's shutdown timeout (as the bus
    /// gives its consumers): an attempt cut off by the host instead would not be handed back and would wait for its lease.
    /// </summary>
    internal TimeSpan StopGrace
    {
        get
        {
            var grace = TimeSpan.FromSeconds(settings.StopGraceSeconds);
            return host is null ? grace : TimeSpan.FromTicks(Math.Min(grace.Ticks, (long)(host.Value.ShutdownTimeout.Ticks * 0.6)));
        }
    }

    /// <summary>What one round did: how many deliveries it claimed and the earliest retry it scheduled.</summary>
    public sealed record Round(int Claimed, DateTimeOffset? EarliestRetry);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(settings.PollIntervalSeconds);
        DateTimeOffset? lastPurge = null;
        DateTimeOffset? retryAt = null;
        // Stopping ends claims and waits at once; attempts in flight get StopGraceSeconds more to finish, so a receiver
        // that already has the request is not sent it again by the next sender.
        using var attempts = new CancellationTokenSource();
        using var stopping = stoppingToken.Register(() => attempts.CancelAfter(StopGrace));
        while (true)
        {
            var round = new Round(0, null);
            try
            {
                var now = clock.GetUtcNow();
                if (lastPurge is null || now - lastPurge >= PurgeEvery)
                {
                    await PurgeAsync(now, stoppingToken);
                    lastPurge = now;
                }
                if (retryAt <= now)
                {
                    retryAt = null; // due now: this round's claim takes it
                }
                round = await DispatchDueAsync(stoppingToken, attempts.Token);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Webhook dispatch failed; retrying at the next poll");
            }
            retryAt = Earliest(retryAt, round.EarliestRetry);
            if (round.Claimed < settings.BatchSize)
            {
                var wait = retryAt is { } at ? Clamp(at - clock.GetUtcNow(), poll) : poll;
                await wakeUp.WaitAsync(wait, clock, stoppingToken);
            }
        }
    }

    /// <summary>Claims what is due and attempts it all at once, so every attempt ends well inside its lease.</summary>
    public Task<Round> DispatchDueAsync(CancellationToken cancellationToken) => DispatchDueAsync(cancellationToken, cancellationToken);

    private async Task<Round> DispatchDueAsync(CancellationToken claimToken, CancellationToken attemptToken)
    {
        var due = await outbox.ClaimDueAsync(clock.GetUtcNow(), settings.BatchSize, TimeSpan.FromSeconds(settings.LeaseSeconds), claimToken);
        var nextAttempts = await Task.WhenAll(due.Select(d => AttemptAsync(d, attemptToken)));
        return new Round(due.Count, nextAttempts.Aggregate((DateTimeOffset?)null, Earliest));
    }

    /// <summary>One attempt at a claimed delivery; returns when it should be tried again, if it should.</summary>
    private async Task<DateTimeOffset?> AttemptAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var lease = delivery.LeaseId!;
        var result = delivery.Attempts > settings.MaxAttempts
            // Claiming counted an attempt whose outcome was never recorded (its sender stopped); none is left.
            ? WebhookAttemptResult.Refused("no attempts left: the last one was interrupted before its outcome was recorded")
            : await SendAsync(delivery, lease, cancellationToken);
        var decision = retries.Decide(delivery.Attempts, result, Random.Shared.NextDouble());
        var now = clock.GetUtcNow();
        var outcome = new WebhookAttemptOutcome(now, result.StatusCode, result.Error);
        var host = Host(delivery.Url);
        bool recorded;
        DateTimeOffset? retryAt = null;
        switch (decision.Verdict)
        {
            case WebhookVerdict.Delivered:
                recorded = await outbox.MarkDeliveredAsync(delivery.Id, lease, outcome, cancellationToken);
                logger.LogInformation("Webhook {DeliveryKey} of call log {CallLogId} delivered to {Host} on attempt {Attempt} ({StatusCode})",
                    delivery.DeliveryKey, delivery.CallLogId, host, delivery.Attempts, result.StatusCode);
                break;
            case WebhookVerdict.Retry:
                retryAt = now + decision.Delay;
                recorded = await outbox.MarkFailedAsync(delivery.Id, lease, outcome, retryAt.Value, cancellationToken);
                logger.LogInformation("Webhook {DeliveryKey} of call log {CallLogId} to {Host}: attempt {Attempt} failed ({Error}); next in {Delay}",
                    delivery.DeliveryKey, delivery.CallLogId, host, delivery.Attempts, result.Error, decision.Delay);
                break;
            default:
                recorded = await outbox.MarkAbandonedAsync(delivery.Id, lease, outcome, cancellationToken);
                logger.LogWarning("Webhook {DeliveryKey} of call log {CallLogId} to {Host} abandoned after {Attempts} attempt(s): {Error}",
                    delivery.DeliveryKey, delivery.CallLogId, host, delivery.Attempts, result.Error);
                break;
        }
        if (recorded)
        {
            // Counted once the outcome is stored under this sender's lease: an attempt whose lease ran out is another sender's.
            metrics.WebhookAttempted(decision.Verdict switch
            {
                WebhookVerdict.Delivered => "delivered",
                WebhookVerdict.Retry => "retry",
                _ => "abandoned",
            });
        }
        else
        {
            logger.LogWarning("Webhook {DeliveryKey}: its lease ran out before the outcome was recorded; it is another sender's now",
                delivery.DeliveryKey);
        }
        return recorded ? retryAt : null;
    }

    private async Task<WebhookAttemptResult> SendAsync(WebhookDelivery delivery, string lease, CancellationToken cancellationToken)
    {
        try
        {
            return await sender.SendAsync(delivery, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: hand the delivery back now rather than leave it leased until the lease runs out.
            var now = clock.GetUtcNow();
            try
            {
                await outbox.MarkFailedAsync(delivery.Id, lease,
                    new WebhookAttemptOutcome(now, null, "interrupted: the sender stopped during the attempt"), now, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook {DeliveryKey}: could not hand it back while stopping; it waits for its lease to run out",
                    delivery.DeliveryKey);
            }
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A fault of ours, not the receiver's: recorded like a failed attempt so the delivery is neither stuck nor lost.
            logger.LogError(e, "Webhook {DeliveryKey}: the attempt failed unexpectedly", delivery.DeliveryKey);
            return WebhookAttemptResult.Failure($"internal error ({e.GetType().Name})");
        }
    }

    private async Task PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purged = await outbox.DeleteFinishedBeforeAsync(now - TimeSpan.FromHours(settings.RetentionHours), cancellationToken);
        if (purged > 0)
        {
            logger.LogInformation("Deleted {Count} finished webhook deliveries older than {RetentionHours} h", purged, settings.RetentionHours);
        }
    }

    private static string Host(string url) => Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri.IdnHost : "(not a URL)";

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan wait, TimeSpan poll) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > poll ? poll : wait;
}
