using System.Text.Json;

namespace Cekura.Ingest.Webhooks;

/// <summary>What a provider's webhook body means for us.</summary>
public abstract record WebhookEvent
{
    private WebhookEvent()
    {
    }

    /// <summary>An event type we do not ingest (status updates, call starts, ...): answered 200, no effect.</summary>
    public sealed record Ignored(string Reason) : WebhookEvent;

    /// <summary>A finished call, mapped to Send Calls field names; <paramref name="Addendum"/> is merged into the metadata of an already stored call.</summary>
    public sealed record FinishedCall(IReadOnlyDictionary<string, JsonElement> Fields, JsonElement? Addendum = null) : WebhookEvent;

    /// <summary>The recording of a call that arrives on its own (ElevenLabs' post_call_audio).</summary>
    public sealed record RecordingForCall(string CallId, string? AssistantId, byte[] Audio) : WebhookEvent;

    /// <summary>The body is not what this provider sends.</summary>
    public sealed record Malformed(string Field, string Problem) : WebhookEvent;
}

/// <summary>
/// One provider's native post-call webhook: which events matter, where the call's fields sit in the body, and how
/// the provider signs it. Plain C# over the JSON; the endpoint does the rest exactly as Send Calls does.
/// </summary>
public interface IProviderWebhook
{
    /// <summary>The path segment: <c>/observability/v1/{Provider}/observe/</c>.</summary>
    string Provider { get; }

    /// <summary>
    /// Whether the provider signs its webhooks, so that <see cref="VerifySignature"/> proves where a body came from.
    /// Only such providers are accepted on an agent's tokened URL, which carries no API key.
    /// </summary>
    bool IsSigned { get; }

    WebhookEvent Read(JsonElement body);

    /// <summary>Null when the request carries a valid signature for <paramref name="secret"/>, else why not.</summary>
    string? VerifySignature(IHeaderDictionary headers, ReadOnlySpan<byte> body, string secret, DateTimeOffset now);
}
