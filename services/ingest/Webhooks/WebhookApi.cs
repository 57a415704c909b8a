using System.Text.Json;
using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Cekura.Ingest.Api;

namespace Cekura.Ingest.Webhooks;

/// <summary>How a native webhook was handled (always with 200 unless the body or signature is bad).</summary>
public sealed record WebhookResult(string Status, long? Id = null, string? Reason = null);

/// <summary>
/// A provider's whole post-call webhook body, ingested exactly like Send Calls, at two URLs:
/// <c>POST /observability/v1/{provider}/observe/</c> with the API key (the agent is <c>?agent_id=</c> or the provider's
/// assistant id), and an agent's tokened URL <c>POST /observability/v1/{provider}/observe/t/{token}/</c> for providers
/// that cannot send headers (the gateway resolves the token to the tenant; the agent is the token's, and the
/// provider's signature is required).
/// </summary>
public static class WebhookApi
{
    public static RouteGroupBuilder MapWebhookApi(this RouteGroupBuilder group)
    {
        group.MapPost("/observability/v1/{provider}/observe/", ReceiveAsync)
            .WithName("ProviderWebhook")
            .WithSummary("A provider's native post-call webhook (vapi, retell, elevenlabs) or a livekit/pipecat history envelope.")
            .Accepts<JsonElement>("application/json")
            .Produces<WebhookResult>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPost("/observability/v1/{provider}/observe/t/{token}/", ReceiveByTokenAsync)
            .WithName("ProviderWebhookByToken")
            .WithSummary("An agent's webhook URL for providers that cannot send headers (vapi, retell, elevenlabs): no API key; "
                + "the token (from POST /test_framework/v1/aiagents/{id}/webhook_token/) names the agent, and the provider's "
                + "signature for the agent's provider_webhook_secret is required. An unknown or revoked token is a 404.")
            .Accepts<JsonElement>("application/json")
            .Produces<WebhookResult>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound)
            .Produces<ErrorDetail>(StatusCodes.Status429TooManyRequests)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Security = []; // the token in the path authenticates it, not X-CEKURA-API-KEY
                return Task.CompletedTask;
            });
        return group;
    }

    private static async Task<IResult> ReceiveAsync(
        string provider, long? agent_id, HttpContext http, IEnumerable<IProviderWebhook> webhooks, WebhookReceiver receiver) =>
        webhooks.FirstOrDefault(w => w.Provider == provider) is { } webhook
            ? await receiver.ReceiveAsync(http, webhook, agent_id, requiredSigner: null)
            : UnknownProvider(provider, webhooks);

    private static async Task<IResult> ReceiveByTokenAsync(
        string provider, string token, HttpContext http, IEnumerable<IProviderWebhook> webhooks, IAgentStore agents, WebhookReceiver receiver)
    {
        // The gateway resolved the token to this tenant from its cache; asking the store again here makes a rotation
        // or revocation hold at once. Unknown, revoked and another project's tokens get the same answer.
        var agent = WebhookTokens.IsWellFormed(token)
            ? await agents.FindByWebhookTokenAsync(WebhookTokens.HashHex(token), http.RequestAborted)
            : null;
        if (agent is null || agent.ProjectId != http.Tenant().ProjectId)
        {
            return ApiErrors.NotFound();
        }
        var webhook = webhooks.FirstOrDefault(w => w.Provider == provider);
        if (webhook is null || !webhook.IsSigned)
        {
            return webhook is null
                ? UnknownProvider(provider, webhooks)
                : ApiErrors.Detail(StatusCodes.Status404NotFound,
                    $"'{provider}' webhooks carry no provider signature, so they have no tokened URL; post them to "
                    + $"/observability/v1/{provider}/observe/ with the API key.");
        }
        if (agent.ProviderWebhookSecret is not { Length: > 0 })
        {
            return WebhookReceiver.Refused(
                "the agent has no provider_webhook_secret, and its tokened URL accepts only webhooks signed with it");
        }
        return await receiver.ReceiveAsync(http, webhook, agent.Id, requiredSigner: agent);
    }

    private static IResult UnknownProvider(string provider, IEnumerable<IProviderWebhook> webhooks) =>
        ApiErrors.Detail(StatusCodes.Status404NotFound,
            $"No native webhook for '{provider}'; use one of {string.Join(", ", webhooks.Select(w => w.Provider))}.");
}
