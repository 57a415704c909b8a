namespace Cekura.Hosting.Storage;

/// <summary>What every outbox store checks and how it spells statuses, so the stores cannot drift apart.</summary>
internal static class WebhookOutboxRules
{
    public static void CheckNew(WebhookDelivery delivery)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(delivery.DeliveryKey, nameof(WebhookDelivery.DeliveryKey));
        ArgumentException.ThrowIfNullOrWhiteSpace(delivery.Url, nameof(WebhookDelivery.Url));
        ArgumentException.ThrowIfNullOrWhiteSpace(delivery.Body, nameof(WebhookDelivery.Body));
    }

    public static string StatusName(WebhookDeliveryStatus status) => status switch
    {
        WebhookDeliveryStatus.Pending => "pending",
        WebhookDeliveryStatus.Delivered => "delivered",
        WebhookDeliveryStatus.Abandoned => "abandoned",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static WebhookDeliveryStatus ParseStatus(string name) => name switch
    {
        "pending" => WebhookDeliveryStatus.Pending,
        "delivered" => WebhookDeliveryStatus.Delivered,
        "abandoned" => WebhookDeliveryStatus.Abandoned,
        _ => throw new InvalidDataException($"Unknown webhook delivery status '{name}'."),
    };
}
