using System.Text;

namespace Cekura.Hosting.Storage;

/// <summary>
/// The durable queue of outgoing webhooks. A row is written once per <see cref="WebhookDelivery.DeliveryKey"/>, leased
/// by one sender at a time, and finished as delivered or abandoned; finished rows are deleted after a retention.
/// Rows hold the receiver's secret and the JSON body, so they are never logged and never shown unfiltered.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>
    /// Stores a new pending delivery, due at its <see cref="WebhookDelivery.NextAttemptAt"/>; its id, status, attempts,
    /// lease and outcome fields are ignored. A <see cref="WebhookDelivery.DeliveryKey"/> already stored (in any state)
    /// keeps the stored row unchanged, which is returned with <see cref="WebhookEnqueued.Created"/> false.
    /// </summary>
    Task<WebhookEnqueued> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> pending deliveries that are due (<c>NextAttemptAt ≤ now</c>) and not leased
    /// (or whose lease ran out), earliest due first. Each gets a fresh <see cref="WebhookDelivery.LeaseId"/>,
    /// <c>LeasedUntil = now + leaseDuration</c> and one more <see cref="WebhookDelivery.Attempts"/>: an attempt counts
    /// when it starts, so a sender that dies mid-attempt still uses one up. Concurrent callers, in this process or
    /// another, never get the same delivery while its lease runs.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Finishes a leased delivery as delivered. False when <paramref name="leaseId"/> no longer holds it.</summary>
    Task<bool> MarkDeliveredAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt and releases the lease until <paramref name="nextAttemptAt"/>. False when the lease is lost.</summary>
    Task<bool> MarkFailedAsync(long id, string leaseId, WebhookAttemptOutcome outcome, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Finishes a leased delivery as abandoned (no attempts left, or refused for good). False when the lease is lost.</summary>
    Task<bool> MarkAbandonedAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken);

    Task<WebhookDelivery?> GetAsync(long projectId, long id, CancellationToken cancellationToken);

    Task<WebhookDelivery?> GetByKeyAsync(long projectId, string deliveryKey, CancellationToken cancellationToken);

    /// <summary>The project's deliveries (optionally of one call log), newest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(long projectId, long? callLogId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes delivered and abandoned rows finished before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Deletes every delivery of these call logs, in any state (their body is a copy of the call); returns how many.</summary>
    Task<int> DeleteForCallLogsAsync(long projectId, IReadOnlyCollection<long> callLogIds, CancellationToken cancellationToken);
}

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Abandoned,
}

/// <summary>
/// One webhook to send. Timestamps are kept to the millisecond, in UTC. <see cref="Secret"/> and <see cref="Body"/>
/// never appear in <see cref="object.ToString"/>, so logging a delivery cannot leak them.
/// </summary>
public sealed record WebhookDelivery
{
    public long Id { get; init; }

    /// <summary>Unique across the store; sent as <c>X-CEKURA-DELIVERY-ID</c> so receivers can drop duplicates.</summary>
    public required string DeliveryKey { get; init; }
    public required long ProjectId { get; init; }
    public required long CallLogId { get; init; }
    public required string Url { get; init; }

    /// <summary>Sent as <c>X-CEKURA-SECRET</c> when set.</summary>
    public string? Secret { get; init; }

    /// <summary>The JSON body, sent as it is.</summary>
    public required string Body { get; init; }
    public WebhookDeliveryStatus Status { get; init; }

    /// <summary>Attempts started so far (counted when leased).</summary>
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? LastError { get; init; }
    public int? LastStatusCode { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? AbandonedAt { get; init; }

    /// <summary>Set by <see cref="IWebhookOutbox.ClaimDueAsync"/>; the sender must present it to record the outcome.</summary>
    public string? LeaseId { get; init; }
    public DateTimeOffset? LeasedUntil { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, DeliveryKey = {DeliveryKey}, ProjectId = {ProjectId}, CallLogId = {CallLogId}, ")
            .Append($"Status = {Status}, Attempts = {Attempts}, NextAttemptAt = {NextAttemptAt:O}, LastStatusCode = {LastStatusCode}");
        return true;
    }
}

/// <summary>The stored delivery, and whether this call created it (false: the key was already there).</summary>
public sealed record WebhookEnqueued(WebhookDelivery Delivery, bool Created);

/// <summary>How one attempt ended: when, the receiver's status code if it answered, and the error if it failed.</summary>
public sealed record WebhookAttemptOutcome(DateTimeOffset At, int? StatusCode, string? Error);
