using Cekura.Hosting.Webhooks;

namespace Cekura.Hosting.Tests.Webhooks;

public sealed class WebhookRetryPolicyTests
{
    private static readonly WebhookRetryPolicy Policy = new(maxAttempts: 12, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(10, 2560)]
    [InlineData(11, 3600)]   // 5120 s, capped
    [InlineData(1000, 3600)] // no overflow however many failures
    public void Without_jitter_the_delay_doubles_from_the_base_up_to_the_cap(int failures, double seconds) =>
        Assert.Equal(S(seconds), Policy.Delay(failures, retryAfter: null, jitter: 0));

    [Theory]
    [InlineData(0.5, 17.5)]
    [InlineData(0.999999, 15.000005)]
    public void Jitter_shortens_a_delay_by_at_most_a_quarter(double jitter, double seconds) =>
        Assert.Equal(seconds, Policy.Delay(3, retryAfter: null, jitter).TotalSeconds, precision: 6);

    [Fact]
    public void A_longer_retry_after_is_honoured() => Assert.Equal(S(120), Policy.Delay(1, S(120), jitter: 0));

    [Fact]
    public void A_retry_after_is_honoured_only_up_to_the_cap() => Assert.Equal(S(3600), Policy.Delay(1, S(86400), jitter: 0));

    [Fact]
    public void A_shorter_retry_after_does_not_hurry_the_backoff() => Assert.Equal(S(20), Policy.Delay(3, S(1), jitter: 0));

    [Fact]
    public void A_2xx_is_delivered() =>
        Assert.Equal(WebhookVerdict.Delivered, Policy.Decide(1, WebhookAttemptResult.Success(204), 0).Verdict);

    [Theory]
    [InlineData(500)]
    [InlineData(404)]  // every failure is retried: Cekura promises retries on failure, 4xx included
    [InlineData(401)]
    [InlineData(302)]
    public void A_failed_attempt_before_the_last_is_retried_after_the_backoff(int status)
    {
        var decision = Policy.Decide(2, WebhookAttemptResult.Failure($"the receiver answered {status}", status), jitter: 0);

        Assert.Equal(new WebhookDecision(WebhookVerdict.Retry, S(10)), decision);
    }

    [Fact]
    public void The_last_attempts_failure_abandons_the_delivery() =>
        Assert.Equal(WebhookVerdict.Abandon, Policy.Decide(12, WebhookAttemptResult.Failure("the receiver answered 503", 503), 0).Verdict);

    [Fact]
    public void A_permanent_refusal_abandons_at_once() =>
        Assert.Equal(WebhookVerdict.Abandon, Policy.Decide(1, WebhookAttemptResult.Refused("refused: 10.0.0.1 is a private address"), 0).Verdict);

    [Fact]
    public void A_429_waits_for_its_retry_after()
    {
        var decision = Policy.Decide(1, WebhookAttemptResult.Failure("the receiver answered 429", 429, S(30)), jitter: 0);

        Assert.Equal(new WebhookDecision(WebhookVerdict.Retry, S(30)), decision);
    }
}
