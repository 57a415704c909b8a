using System.Text;
using System.Text.Json;
using Cekura.Hosting.Storage;

namespace Cekura.Hosting.Webhooks;

/// <summary>
/// Queues the <c>call_log.completed</c> webhook of an evaluated call. Enqueueing is one durable insert, so the caller
/// (the consumer that sees the evaluation finish) is never held up by the receiver; the dispatcher sends it.
/// </summary>
public sealed class CompletionWebhooks(IWebhookOutbox outbox, WebhookWakeUp wakeUp, TimeProvider clock)
{
    public const string EventType = "call_log.completed";

    /// <summary>
    /// Stores the delivery (idempotent: the same call and evaluation number give the same <see cref="CompletedCallWebhook.DeliveryKey"/>,
    /// and a second enqueue returns the stored row with <see cref="WebhookEnqueued.Created"/> false) and wakes this process's dispatcher.
    /// </summary>
    public async Task<WebhookEnqueued> EnqueueAsync(CompletedCallWebhook webhook, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webhook.Url, nameof(webhook.Url));
        var now = clock.GetUtcNow();
        var enqueued = await outbox.EnqueueAsync(new WebhookDelivery
        {
            DeliveryKey = webhook.DeliveryKey,
            ProjectId = webhook.ProjectId,
            CallLogId = webhook.CallLogId,
            Url = webhook.Url.Trim(),
            Secret = string.IsNullOrEmpty(webhook.Secret) ? null : webhook.Secret,
            Body = Payload(webhook.Data),
            CreatedAt = now,
            NextAttemptAt = now,
        }, cancellationToken);
        if (enqueued.Created)
        {
            wakeUp.Signal();
        }
        return enqueued;
    }

    /// <summary><c>{"event_type": "call_log.completed", "data": …}</c> with <paramref name="data"/> as given.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not a JSON object.</exception>
    public static string Payload(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The webhook's data must be a JSON object (the call log detail), not {data.ValueKind}.", nameof(data));
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event_type", EventType);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>The completion webhook of one evaluation of one call.</summary>
public sealed record CompletedCallWebhook
{
    public required long ProjectId { get; init; }
    public required long CallLogId { get; init; }

    /// <summary>Which evaluation of the call completed (1 for the first, higher after a re-run); each gets its own delivery.</summary>
    public required int EvaluationNumber { get; init; }

    /// <summary>The agent's <c>webhook_url</c>.</summary>
    public required string Url { get; init; }

    /// <summary>The agent's <c>webhook_secret</c>, sent as <c>X-CEKURA-SECRET</c>; none when null or empty.</summary>
    public string? Secret { get; init; }

    /// <summary>The call log detail view, already redacted, as the API shows it.</summary>
    public required JsonElement Data { get; init; }

    /// <summary>"{call log id}:{evaluation number}": at most one delivery per completed evaluation.</summary>
    public string DeliveryKey => $"{CallLogId}:{EvaluationNumber}";

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"ProjectId = {ProjectId}, CallLogId = {CallLogId}, EvaluationNumber = {EvaluationNumber}");
        return true;
    }
}
