using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Cekura.Ingest.Api;
using Cekura.Ingest.Webhooks;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Agents;

/// <summary>
/// The answer to creating a webhook token, the only time the token is shown: the agent's ready webhook URL for each
/// provider that signs its webhooks, and whether an earlier token was replaced.
/// </summary>
public sealed record WebhookTokenView(long Agent, string Token, string Prefix, bool Rotated, IReadOnlyDictionary<string, string> WebhookUrls);

/// <summary>
/// <c>/test_framework/v1/aiagents/{id}/webhook_token/</c>: the token of an agent's webhook URLs, for providers that
/// cannot send the API key header. Only its SHA-256 and prefix are stored (the agent view shows
/// <c>has_webhook_token</c> and <c>webhook_token_prefix</c>).
/// </summary>
public static class AgentWebhookTokenApi
{
    private const string Route = "/test_framework/v1/aiagents/{id:long}/webhook_token/";

    public static RouteGroupBuilder MapAgentWebhookTokenApi(this RouteGroupBuilder group)
    {
        group.MapPost(Route, CreateAsync)
            .WithName("CreateAgentWebhookToken")
            .WithSummary("Create the agent's webhook token, or replace it (the old URLs stop working at once). The answer shows the "
                + "token once, with the agent's URL per signed provider, e.g. {base}/observability/v1/retell/observe/t/{token}/. "
                + "The agent needs a provider_webhook_secret: those URLs carry no API key, so the provider's signature is required.")
            .Produces<WebhookTokenView>(StatusCodes.Status201Created)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapDelete(Route, RevokeAsync)
            .WithName("RevokeAgentWebhookToken")
            .WithSummary("Revoke the agent's webhook token (204, also when it has none): its URLs answer 404 from then on.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> CreateAsync(
        long id, HttpContext http, IAgentStore agents, IEnumerable<IProviderWebhook> webhooks, IOptions<CekuraOptions> cekura, TimeProvider clock)
    {
        var projectId = http.Tenant().ProjectId;
        var agent = await agents.GetAsync(projectId, id, http.RequestAborted);
        if (agent is null)
        {
            return ApiErrors.NotFound();
        }
        if (agent.ProviderWebhookSecret is not { Length: > 0 })
        {
            var errors = new FieldErrors();
            errors.Add("provider_webhook_secret",
                "Set the agent's provider_webhook_secret first: a tokened webhook URL carries no API key, so the provider's "
                + "signature is what shows that a call came from the provider; without it anyone who learned the URL could post calls.");
            return ApiErrors.Fields(errors);
        }
        var token = WebhookTokens.Generate();
        var saved = await agents.SetWebhookTokenAsync(
            projectId, id, WebhookTokens.HashHex(token), WebhookTokens.VisiblePrefix(token), clock.GetUtcNow(), http.RequestAborted);
        if (saved is null)
        {
            return ApiErrors.NotFound();
        }
        var origin = Origin(http.Request, cekura.Value);
        var urls = webhooks.Where(w => w.IsSigned).ToDictionary(w => w.Provider, w => origin + WebhookTokens.Path(w.Provider, token));
        // Shown once: no cache along the way may keep it.
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new WebhookTokenView(saved.Id, token, saved.WebhookTokenPrefix!, agent.WebhookTokenHash is not null, urls),
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// Where the client reaches the API: <c>Cekura:PublicBaseUrl</c> when set; else what the gateway saw when ingest runs
    /// behind it in another process (YARP's <c>X-Forwarded-Proto</c>/<c>-Host</c>/<c>-Prefix</c>), else this request's own
    /// origin. Only the caller's own answer is built from these headers; nothing is stored.
    /// </summary>
    private static string Origin(HttpRequest request, CekuraOptions cekura)
    {
        if (cekura.PublicBaseUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }
        var proto = First(request.Headers["X-Forwarded-Proto"]);
        var host = First(request.Headers["X-Forwarded-Host"]);
        var forwarded = $"{proto}://{host}{First(request.Headers["X-Forwarded-Prefix"])}".TrimEnd('/');
        return proto is "http" or "https" && !string.IsNullOrEmpty(host) && Uri.TryCreate(forwarded, UriKind.Absolute, out _)
            ? forwarded
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    /// <summary>The first of a comma-separated header's values (each proxy on the way appends its own).</summary>
    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.ToString().Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(v => v.Length > 0);

    private static async Task<IResult> RevokeAsync(long id, HttpContext http, IAgentStore agents, TimeProvider clock)
    {
        var projectId = http.Tenant().ProjectId;
        var agent = await agents.GetAsync(projectId, id, http.RequestAborted);
        if (agent is null)
        {
            return ApiErrors.NotFound();
        }
        if (agent.WebhookTokenHash is not null)
        {
            await agents.SetWebhookTokenAsync(projectId, id, null, null, clock.GetUtcNow(), http.RequestAborted);
        }
        return Results.NoContent();
    }
}
