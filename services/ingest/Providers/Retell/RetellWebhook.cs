using System.Globalization;
using System.Text;
using System.Text.Json;
using Cekura.Ingest.Webhooks;
using static Cekura.Ingest.Webhooks.WebhookJson;

namespace Cekura.Ingest.Providers.Retell;

/// <summary>
/// Retell's <c>call_ended</c> and <c>call_analyzed</c> (provider-formats.md §2.3): whichever arrives first creates the
/// call; the later one only adds its <c>call_analysis</c> to the stored call's metadata.
/// </summary>
public sealed class RetellWebhook : IProviderWebhook
{
    public string Provider => "retell";

    public bool IsSigned => true;

    public WebhookEvent Read(JsonElement body)
    {
        var type = Text(body, ["event"], ["event_type"]);
        if (type is not ("call_ended" or "call_analyzed"))
        {
            return new WebhookEvent.Ignored($"event '{type}' is not call_ended or call_analyzed");
        }
        if (At(body, "call") is not { ValueKind: JsonValueKind.Object } call)
        {
            return new WebhookEvent.Malformed("call", "expected Retell's call object in \"call\"");
        }
        var outbound = Text(call, ["direction"]) == "outbound";
        var analysis = At(call, "call_analysis");
        var fields = new Fields()
            .Set("call_id", Text(call, ["call_id"]))
            .Set("assistant_id", Text(call, ["agent_id"]))
            .Set("transcript_type", "retell")
            .Set("transcript_json", call)
            .Set("voice_recording_url", Text(call, ["recording_multi_channel_url"], ["recording_url"]))
            .Set("call_ended_reason", Text(call, ["disconnection_reason"]))
            .Set("customer_number", outbound ? Text(call, ["to_number"]) : Text(call, ["from_number"]))
            .Set("timestamp", Time(call, milliseconds: true, "start_timestamp"))
            .Set("metadata", Metadata(At(call, "metadata"),
                ("ended_at", Json(Time(call, milliseconds: true, "end_timestamp"))), ("call_analysis", analysis)))
            .Set("dynamic_variables", At(call, "retell_llm_dynamic_variables") is { ValueKind: JsonValueKind.Object } v ? v : null);
        return new WebhookEvent.FinishedCall(fields.Build(), analysis is { } a ? Metadata(null, ("call_analysis", a)) : null);
    }

    public string? VerifySignature(IHeaderDictionary headers, ReadOnlySpan<byte> body, string secret, DateTimeOffset now) =>
        WebhookSignatures.Retell(headers["X-Retell-Signature"].FirstOrDefault(), body, secret, now);

    private static JsonElement? Json(string? text) => text is null ? null : JsonSerializer.SerializeToElement(text);
}
