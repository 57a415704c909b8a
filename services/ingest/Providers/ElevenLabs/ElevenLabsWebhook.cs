using System.Globalization;
using System.Text;
using System.Text.Json;
using Cekura.Ingest.Webhooks;
using static Cekura.Ingest.Webhooks.WebhookJson;

namespace Cekura.Ingest.Providers.ElevenLabs;

/// <summary>
/// ElevenLabs' post-call webhooks (provider-formats.md §3.3): <c>post_call_transcription</c> is the call;
/// <c>post_call_audio</c> carries its MP3 (base64), attached to the call with the same conversation id.
/// </summary>
public sealed class ElevenLabsWebhook : IProviderWebhook
{
    public string Provider => "elevenlabs";

    public bool IsSigned => true;

    public WebhookEvent Read(JsonElement body)
    {
        var type = Text(body, ["type"]);
        if (At(body, "data") is not { ValueKind: JsonValueKind.Object } data)
        {
            return type is "post_call_transcription" or "post_call_audio"
                ? new WebhookEvent.Malformed("data", $"a {type} webhook needs its \"data\" object")
                : new WebhookEvent.Ignored($"type '{type}' carries no call");
        }
        switch (type)
        {
            case "post_call_audio":
                return ReadAudio(data);
            case not "post_call_transcription":
                return new WebhookEvent.Ignored($"type '{type}' is not post_call_transcription or post_call_audio");
        }

        var start = At(data, "metadata", "start_time_unix_secs");
        var duration = At(data, "metadata", "call_duration_secs");
        JsonElement? endedAt = start is { ValueKind: JsonValueKind.Number } s && duration is { ValueKind: JsonValueKind.Number } d
            && s.TryGetDouble(out var startSecs) && d.TryGetDouble(out var durationSecs) && double.IsFinite(startSecs + durationSecs)
            && startSecs + durationSecs is > 0 and < 253402300799
                ? JsonSerializer.SerializeToElement(DateTimeOffset.FromUnixTimeMilliseconds((long)((startSecs + durationSecs) * 1000)).ToString("O"))
                : null;
        var dynamicVariables = At(data, "conversation_initiation_client_data", "dynamic_variables");
        var fields = new Fields()
            .Set("call_id", Text(data, ["conversation_id"]))
            .Set("assistant_id", Text(data, ["agent_id"]))
            .Set("transcript_type", "elevenlabs")
            .Set("transcript_json", data)
            .Set("call_ended_reason", Text(data, ["metadata", "termination_reason"]))
            .Set("customer_number", Text(data, ["metadata", "phone_call", "external_number"],
                ["conversation_initiation_client_data", "dynamic_variables", "system__caller_id"]))
            .Set("timestamp", Time(data, milliseconds: false, "metadata", "start_time_unix_secs"))
            .Set("metadata", Metadata(null, ("ended_at", endedAt), ("analysis", At(data, "analysis"))))
            .Set("dynamic_variables", dynamicVariables is { ValueKind: JsonValueKind.Object } v ? v : null);
        return new WebhookEvent.FinishedCall(fields.Build());
    }

    public string? VerifySignature(IHeaderDictionary headers, ReadOnlySpan<byte> body, string secret, DateTimeOffset now) =>
        WebhookSignatures.ElevenLabs(headers["ElevenLabs-Signature"].FirstOrDefault(), body, secret, now);

    private static WebhookEvent ReadAudio(JsonElement data)
    {
        var callId = Text(data, ["conversation_id"]);
        if (callId is null)
        {
            return new WebhookEvent.Malformed("data.conversation_id", "a post_call_audio webhook names its conversation");
        }
        var base64 = Text(data, ["full_audio"]);
        if (base64 is null)
        {
            return new WebhookEvent.Malformed("data.full_audio", "expected the recording as base64");
        }
        try
        {
            return new WebhookEvent.RecordingForCall(callId, Text(data, ["agent_id"]), Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return new WebhookEvent.Malformed("data.full_audio", "is not valid base64");
        }
    }
}
