using Cekura.Contracts.Agents;

namespace Cekura.Ingest.Webhooks;

/// <summary>
/// The signature rule of the native webhooks, for one request: it must carry the provider's valid signature for the
/// <c>provider_webhook_secret</c> of every agent it involves that has one — the agent named by <c>?agent_id=</c> or
/// the URL's token, the agent registered with the body's provider assistant id, and the agent of the call a
/// recording is for. So naming another agent (one without a secret, or none at all) cannot skip the check that the
/// body's own agent asks for, while a project whose agents have no secrets takes unsigned webhooks.
/// Each distinct secret is verified once.
/// </summary>
public sealed class WebhookSignatureCheck(IProviderWebhook webhook, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset now)
{
    private readonly HashSet<string> _verified = new(StringComparer.Ordinal);

    /// <summary>Null when the request is signed for each of these agents that has a secret, else why not.</summary>
    public string? Refusal(params Agent?[] agents)
    {
        foreach (var agent in agents)
        {
            if (agent?.ProviderWebhookSecret is not { Length: > 0 } secret || _verified.Contains(secret))
            {
                continue;
            }
            if (webhook.VerifySignature(headers, body.Span, secret, now) is { } refusal)
            {
                return refusal;
            }
            _verified.Add(secret);
        }
        return null;
    }
}
