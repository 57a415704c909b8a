using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Ingest.Observe;

namespace Cekura.Ingest.Webhooks;

/// <summary>
/// One native webhook request, whichever URL it came to: the body read as the provider's event, its signatures
/// checked by the rule of <see cref="WebhookSignatureCheck"/>, and a finished call ingested exactly like Send Calls
/// (same validation, dedupe and chain).
/// </summary>
public sealed class WebhookReceiver(
    SendCallHandler handler, WebhookRecordings recordings, CallLogWriter writer, IAgentStore agents, TimeProvider clock)
{
    /// <param name="http">The request; its tenant was stamped by the gateway.</param>
    /// <param name="webhook">The provider named in the path.</param>
    /// <param name="agentId">The agent the call is filed under (<c>?agent_id=</c> or the token's); null lets the body's assistant id decide.</param>
    /// <param name="requiredSigner">The token's agent: its signature is required for every request, before the body is even parsed.</param>
    public async Task<IResult> ReceiveAsync(HttpContext http, IProviderWebhook webhook, long? agentId, Agent? requiredSigner)
    {
        var cancellationToken = http.RequestAborted;
        var raw = await WebhookBody.ReadAsync(http.Request, cancellationToken);
        var signature = new WebhookSignatureCheck(webhook, http.Request.Headers, raw, clock.GetUtcNow());
        if (requiredSigner is not null && signature.Refusal(requiredSigner) is { } unsigned)
        {
            return Refused(unsigned);
        }
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(raw);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {e.Message}");
        }

        var tenant = http.Tenant();
        var named = requiredSigner ?? (agentId is { } id ? await agents.GetAsync(tenant.ProjectId, id, cancellationToken) : null);
        switch (webhook.Read(body))
        {
            case WebhookEvent.Ignored ignored:
                return Results.Json(new WebhookResult("ignored", Reason: ignored.Reason));
            case WebhookEvent.Malformed malformed:
                return ApiErrors.Fields(Single(malformed.Field, malformed.Problem));
            case WebhookEvent.RecordingForCall recording:
            {
                if (signature.Refusal(named, await ClaimedAgentAsync(tenant, recording.AssistantId, cancellationToken)) is { } refusal)
                {
                    return Refused(refusal);
                }
                return await recordings.AttachAsync(tenant, recording, signature, cancellationToken);
            }
            case WebhookEvent.FinishedCall call:
            {
                var assistantId = call.Fields.TryGetValue("assistant_id", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                // Checked before the body is validated: an unsigned body is not told which of its fields are wrong.
                if (signature.Refusal(named, await ClaimedAgentAsync(tenant, assistantId, cancellationToken)) is { } refusal)
                {
                    return Refused(refusal);
                }
                var fields = agentId is { } fixedId ? new Dictionary<string, JsonElement>(call.Fields) { ["agent"] = JsonSerializer.SerializeToElement(fixedId) } : call.Fields;
                var (validated, errors) = await handler.ValidateAsync(tenant, SendCallBody.FromFields(fields), cancellationToken);
                if (validated is null)
                {
                    return ApiErrors.Fields(errors);
                }
                // The agent the call is filed under, when the body itself named it (already verified in every other case).
                // Before the recording URL is fetched: an unsigned body makes us download nothing.
                if (signature.Refusal(validated.Agent) is { } filedUnder)
                {
                    return Refused(filedUnder);
                }
                await using var accepted = await handler.ReadRecordingAsync(validated, errors, cancellationToken);
                if (accepted is null)
                {
                    return ApiErrors.Fields(errors);
                }
                var result = await handler.IngestAsync(tenant, accepted, cancellationToken);
                if (result.DuplicateOfId is { } existing)
                {
                    await AddToExistingAsync(existing, call.Addendum, cancellationToken);
                    return Results.Json(new WebhookResult("duplicate", existing));
                }
                return Results.Json(new WebhookResult("ingested", result.Call!.Id));
            }
            default:
                throw new InvalidOperationException("unknown webhook event");
        }
    }

    public static IResult Refused(string refusal) =>
        ApiErrors.Detail(StatusCodes.Status401Unauthorized, $"Webhook signature refused: {refusal}.");

    /// <summary>The project's agent registered with the provider assistant id the body names, if any.</summary>
    private async Task<Agent?> ClaimedAgentAsync(Tenant tenant, string? assistantId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(assistantId) ? null : await agents.FindByAssistantIdAsync(tenant.ProjectId, assistantId, cancellationToken);

    /// <summary>A later event for a stored call (Retell's call_analyzed) merges its keys into the metadata; setting, never appending, so redelivery is harmless.</summary>
    private async Task AddToExistingAsync(long id, JsonElement? addendum, CancellationToken cancellationToken)
    {
        if (addendum is not { ValueKind: JsonValueKind.Object } extra)
        {
            return;
        }
        await writer.UpdateAsync(id, call =>
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
