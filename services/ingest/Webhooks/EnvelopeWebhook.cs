using System.Text.Json;
using static Cekura.Ingest.Webhooks.WebhookJson;

namespace Cekura.Ingest.Webhooks;

/// <summary>
/// LiveKit and Pipecat have no post-call webhook of their own: the user's shutdown hook posts the session history
/// (LiveKit <c>{items}</c> / a SessionReport; Pipecat <c>{messages}</c> / context) with our envelope fields beside it:
/// <c>call_id</c>, <c>recording_url</c>, <c>customer_number</c>, <c>ended_reason</c>, <c>started_at</c>,
/// <c>assistant_id</c>, <c>metadata</c>, <c>dynamic_variables</c> (Send Calls names are accepted too). Each such provider
/// makes one in its folder, naming the fields of its own body that can stand in for <c>call_id</c>.
/// </summary>
public sealed class EnvelopeWebhook(string provider, params string[] fallbackCallIdFields) : IProviderWebhook
{
    public string Provider => provider;

    /// <summary>Sent by the user's own code, which can send the API key; there is no provider signature to check.</summary>
    public bool IsSigned => false;

    public WebhookEvent Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new WebhookEvent.Malformed("body", $"expected an object with call_id and the {provider} history");
        }
        var callIdPaths = new[] { "call_id" }.Concat(fallbackCallIdFields).Select(f => new[] { f }).ToArray();
        var fields = new Fields()
            .Set("call_id", Text(body, callIdPaths))
            .Set("assistant_id", Text(body, ["assistant_id"]))
            .Set("agent", At(body, "agent"))
            .Set("transcript_type", provider)
            .Set("transcript_json", At(body, "history") ?? body)
            .Set("voice_recording_url", Text(body, ["recording_url"], ["voice_recording_url"]))
            .Set("call_ended_reason", Text(body, ["ended_reason"], ["call_ended_reason"]))
            .Set("customer_number", Text(body, ["customer_number"]))
            .Set("timestamp", Time(body, milliseconds: false, "started_at") ?? Time(body, milliseconds: false, "audio_recording_started_at"))
            .Set("metadata", At(body, "metadata") is { ValueKind: JsonValueKind.Object } m ? m : null)
            .Set("dynamic_variables", At(body, "dynamic_variables") is { ValueKind: JsonValueKind.Object } v ? v : null);
        return new WebhookEvent.FinishedCall(fields.Build());
    }

    /// <summary>Not a provider-signed webhook: the API key authenticates it, as for Send Calls.</summary>
    public string? VerifySignature(IHeaderDictionary headers, ReadOnlySpan<byte> body, string secret, DateTimeOffset now) => null;
}
