using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Hosting.Calls.Views;
using Cekura.Ingest.Observe;
using Cekura.Ingest.Recordings;

namespace Cekura.Ingest.Webhooks;

/// <summary>How a native webhook was handled (always with 200 unless the body or signature is bad).</summary>
public sealed record WebhookResult(string Status, long? Id = null, string? Reason = null);

/// <summary>
/// <c>POST /observability/v1/{provider}/observe/</c>: a provider's whole post-call webhook body, ingested exactly like
/// Send Calls (same validation, dedupe and chain). The agent is <c>?agent_id=</c> or the provider's assistant id.
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
        return group;
    }

    private static async Task<IResult> ReceiveAsync(
        string provider, long? agent_id, HttpContext http, IEnumerable<IProviderWebhook> webhooks, SendCallHandler handler,
        WebhookRecordings recordings, ICallStore store, CallLogWriter writer, TimeProvider clock)
    {
        var webhook = webhooks.FirstOrDefault(w => w.Provider == provider);
        if (webhook is null)
        {
            return ApiErrors.Detail(StatusCodes.Status404NotFound,
                $"No native webhook for '{provider}'; use one of {string.Join(", ", webhooks.Select(w => w.Provider))}.");
        }
        var raw = await WebhookBody.ReadAsync(http.Request, http.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw);
        }
        catch (JsonException e)
        {
            return ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {e.Message}");
        }
        // The document reads the body buffer in place (no clone): every element below lives as long as this request.
        using (document)
        {
            return await HandleAsync(webhook, document.RootElement, raw, agent_id, http, handler, recordings, store, writer, clock);
        }
    }

    private static async Task<IResult> HandleAsync(
        IProviderWebhook webhook, JsonElement body, ReadOnlyMemory<byte> raw, long? agent_id, HttpContext http, SendCallHandler handler,
        WebhookRecordings recordings, ICallStore store, CallLogWriter writer, TimeProvider clock)
    {
        var tenant = http.Tenant();
        switch (webhook.Read(body))
        {
            case WebhookEvent.Ignored ignored:
                return Results.Json(new WebhookResult("ignored", Reason: ignored.Reason));
            case WebhookEvent.Malformed malformed:
                return ApiErrors.Fields(Single(malformed.Field, malformed.Problem));
            case WebhookEvent.RecordingForCall recording:
                return await recordings.AttachAsync(tenant, webhook, recording, agent_id, http.Request.Headers, raw, http.RequestAborted);
            case WebhookEvent.FinishedCall call:
            {
                var fields = agent_id is { } id ? new Dictionary<string, JsonElement>(call.Fields) { ["agent"] = JsonSerializer.SerializeToElement(id) } : call.Fields;
                var (validated, errors) = await handler.ValidateAsync(tenant, SendCallBody.FromFields(fields), http.RequestAborted);
                if (validated is null)
                {
                    return ApiErrors.Fields(errors);
                }
                // The signature is checked before the recording URL is fetched: an unsigned body makes us download nothing.
                if (validated.Agent.ProviderWebhookSecret is { Length: > 0 } secret
                    && webhook.VerifySignature(http.Request.Headers, raw.Span, secret, clock.GetUtcNow()) is { } refusal)
                {
                    return ApiErrors.Detail(StatusCodes.Status401Unauthorized, $"Webhook signature refused: {refusal}.");
                }
                await using var accepted = await handler.ReadRecordingAsync(validated, errors, http.RequestAborted);
                if (accepted is null)
                {
                    return ApiErrors.Fields(errors);
                }
                var result = await handler.IngestAsync(tenant, accepted, http.RequestAborted);
                if (result.DuplicateOfId is { } existing)
                {
                    await AddToExistingAsync(store, writer, tenant, existing, call.Addendum, http.RequestAborted);
                    return Results.Json(new WebhookResult("duplicate", existing));
                }
                return Results.Json(new WebhookResult("ingested", result.Call!.Id));
            }
            default:
                throw new InvalidOperationException("unknown webhook event");
        }
    }

    /// <summary>A later event for a stored call (Retell's call_analyzed) merges its keys into the metadata; setting, never appending, so redelivery is harmless.</summary>
    private static async Task AddToExistingAsync(
        ICallStore store, CallLogWriter writer, Tenant tenant, long id, JsonElement? addendum, CancellationToken cancellationToken)
    {
        if (addendum is not { ValueKind: JsonValueKind.Object } extra
            || await store.GetAsync(tenant.ProjectId, id, cancellationToken) is not { } existing)
        {
            return;
        }
        await writer.UpdateAsync(existing, call =>
        {
            var merged = WebhookJson.Metadata(call.Metadata, extra.EnumerateObject().Select(p => (p.Name, (JsonElement?)p.Value)).ToArray());
            return JsonElement.DeepEquals(merged ?? default, call.Metadata ?? default) ? null : call with { Metadata = merged };
        }, cancellationToken);
    }

    private static FieldErrors Single(string field, string problem)
    {
        var errors = new FieldErrors();
        errors.Add(field, problem);
        return errors;
    }
}
