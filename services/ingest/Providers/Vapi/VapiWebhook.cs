using System.Text.Json;
using Cekura.Ingest.Webhooks;
using static Cekura.Ingest.Webhooks.WebhookJson;

namespace Cekura.Ingest.Providers.Vapi;

/// <summary>Vapi's server-URL messages; only <c>end-of-call-report</c> carries a finished call (provider-formats.md §1.3).</summary>
public sealed class VapiWebhook : IProviderWebhook
{
    public string Provider => "vapi";

    public bool IsSigned => true;

    public WebhookEvent Read(JsonElement body)
    {
        if (At(body, "message") is not { ValueKind: JsonValueKind.Object } message)
        {
            return new WebhookEvent.Malformed("message", "expected Vapi's webhook body {\"message\": {\"type\": ...}}");
        }
        var type = Text(message, ["type"]);
        if (type != "end-of-call-report")
        {
            return new WebhookEvent.Ignored($"message.type '{type}' is not end-of-call-report");
        }
        var fields = new Fields()
            .Set("call_id", Text(message, ["call", "id"]))
            .Set("assistant_id", Text(message, ["call", "assistantId"], ["assistantId"]))
            .Set("transcript_type", "vapi")
            .Set("transcript_json", body)
            .Set("voice_recording_url", Text(message,
                ["artifact", "recording", "stereoUrl"], ["artifact", "recording", "mono", "combinedUrl"],
                ["artifact", "stereoRecordingUrl"], ["artifact", "recordingUrl"], ["stereoRecordingUrl"], ["recordingUrl"]))
            .Set("call_ended_reason", Text(message, ["endedReason"], ["call", "endedReason"]))
            .Set("customer_number", Text(message, ["customer", "number"], ["call", "customer", "number"]))
            .Set("timestamp", Text(message, ["startedAt"], ["call", "startedAt"]))
            .Set("metadata", Metadata(At(message, "call", "metadata"),
                ("ended_at", At(message, "endedAt")), ("analysis", At(message, "analysis"))))
            .Set("dynamic_variables", At(message, "artifact", "variableValues") is { ValueKind: JsonValueKind.Object } v ? v : null);
        return new WebhookEvent.FinishedCall(fields.Build());
    }

    public string? VerifySignature(IHeaderDictionary headers, ReadOnlySpan<byte> body, string secret, DateTimeOffset now) =>
        WebhookSignatures.SharedSecret(headers["X-Vapi-Secret"].FirstOrDefault(), secret);
}
