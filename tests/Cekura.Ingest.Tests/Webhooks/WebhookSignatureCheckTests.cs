using System.Text;
using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Ingest.Providers.Retell;
using Cekura.Ingest.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Cekura.Ingest.Tests.Webhooks;

public sealed class WebhookSignatureCheckTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event": "call_ended", "call": {"call_id": "c1"}}""");
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Agents_without_a_secret_ask_for_no_signature()
    {
        var webhook = new CountingWebhook();
        var check = new WebhookSignatureCheck(webhook, new HeaderDictionary(), Body, Now);

        Assert.Null(check.Refusal(null, Agent(secret: null), Agent(secret: "")));
        Assert.Equal(0, webhook.Verifications);
    }

    [Fact]
    public void Naming_an_agent_without_a_secret_does_not_skip_the_secret_of_the_bodys_own_agent()
    {
        var check = new WebhookSignatureCheck(new CountingWebhook(), new HeaderDictionary(), Body, Now);

        Assert.Equal("no signature", check.Refusal(Agent(secret: null), Agent(secret: "s1")));
        Assert.Equal("no signature", check.Refusal(null, Agent(secret: "s1")));
    }

    [Fact]
    public void Each_distinct_secret_must_be_signed_for_and_is_verified_once()
    {
        var webhook = new CountingWebhook();
        var check = new WebhookSignatureCheck(webhook, new HeaderDictionary { ["X-Test-Signature"] = "s1" }, Body, Now);

        Assert.Null(check.Refusal(Agent(secret: "s1"), Agent(secret: "s1")));
        Assert.Null(check.Refusal(Agent(secret: "s1")));
        Assert.Equal(1, webhook.Verifications);
        Assert.Equal("signed for another secret", check.Refusal(Agent(secret: "s1"), Agent(secret: "s2")));
    }

    [Fact]
    public void A_real_providers_scheme_accepts_its_signature_and_refuses_a_changed_body()
    {
        var stamp = Now.ToUnixTimeMilliseconds().ToString();
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("key_retell"), Body.Concat(Encoding.UTF8.GetBytes(stamp)).ToArray()));
        var headers = new HeaderDictionary { ["X-Retell-Signature"] = $"v={stamp},d={digest}" };

        Assert.Null(new WebhookSignatureCheck(new RetellWebhook(), headers, Body, Now).Refusal(Agent(secret: "key_retell")));
        Assert.Equal("X-Retell-Signature does not match the body",
            new WebhookSignatureCheck(new RetellWebhook(), headers, Body.Append((byte)' ').ToArray(), Now).Refusal(Agent(secret: "key_retell")));
    }

    private static Agent Agent(string? secret) => new()
    {
        OrganizationId = 1, ProjectId = 1, AgentName = "bot", ProviderWebhookSecret = secret,
    };

    /// <summary>Signs by sending the secret itself in <c>X-Test-Signature</c>; counts how often it is asked.</summary>
    private sealed class CountingWebhook : IProviderWebhook
    {
        public int Verifications { get; private set; }

        public string Provider => "test";

        public bool IsSigned => true;

        public WebhookEvent Read(JsonElement body) => new WebhookEvent.Ignored("test");

        public string? VerifySignature(IHeaderDictionary headers, ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
        {
            Verifications++;
            var sent = headers["X-Test-Signature"].ToString();
            return sent == secret ? null : sent == "" ? "no signature" : "signed for another secret";
        }
    }
}
