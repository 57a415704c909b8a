using System.Text.Json;
using Cekura.Hosting.Webhooks;

namespace Cekura.Hosting.Tests.Webhooks;

public sealed class CompletionPayloadTests
{
    [Fact]
    public void The_payload_wraps_the_detail_in_a_call_log_completed_event()
    {
        var detail = JsonDocument.Parse("""{"id": 42, "call_id": "c-1", "metrics": [{"id": 1, "score": 812.5}], "success": null}""").RootElement;

        var payload = JsonDocument.Parse(CompletionWebhooks.Payload(detail)).RootElement;

        Assert.Equal("call_log.completed", payload.GetProperty("event_type").GetString());
        Assert.Equal(["event_type", "data"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonSerializer.Serialize(detail), JsonSerializer.Serialize(payload.GetProperty("data")));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"text\"")]
    public void Data_that_is_not_an_object_is_refused(string json) =>
        Assert.Throws<ArgumentException>(() => CompletionWebhooks.Payload(JsonDocument.Parse(json).RootElement));

    [Fact]
    public void The_delivery_key_is_the_call_log_and_evaluation_number_and_printing_hides_the_rest()
    {
        var webhook = new CompletedCallWebhook
        {
            ProjectId = 1, CallLogId = 42, EvaluationNumber = 2, Url = "https://hooks.example/T0/url-token", Secret = "s3cret",
            Data = JsonDocument.Parse("""{"transcript": "card 4111"}""").RootElement,
        };

        Assert.Equal("42:2", webhook.DeliveryKey);
        Assert.DoesNotContain("s3cret", webhook.ToString());
        Assert.DoesNotContain("url-token", webhook.ToString());
        Assert.DoesNotContain("4111", webhook.ToString());
    }
}
