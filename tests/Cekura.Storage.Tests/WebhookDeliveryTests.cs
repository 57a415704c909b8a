using Cekura.Hosting.Storage;

namespace Cekura.Storage.Tests;

public sealed class WebhookDeliveryTests
{
    [Fact]
    public void Printing_a_delivery_shows_neither_its_secret_nor_its_body_nor_its_url()
    {
        var delivery = new WebhookDelivery
        {
            DeliveryKey = "10:1", ProjectId = 1, CallLogId = 10, Url = "https://hooks.example/T0/B0/url-token",
            Secret = "s3cret-value", Body = """{"data":{"transcript":"card 4111"}}""",
        };

        var printed = delivery.ToString();

        Assert.Contains("DeliveryKey = 10:1", printed);
        Assert.DoesNotContain("s3cret-value", printed);
        Assert.DoesNotContain("4111", printed);
        Assert.DoesNotContain("url-token", printed);
    }
}
