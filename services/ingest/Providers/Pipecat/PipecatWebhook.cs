using Cekura.Ingest.Webhooks;

namespace Cekura.Ingest.Providers.Pipecat;

/// <summary>
/// Pipecat is a framework with no webhook of its own: the app posts its <c>messages</c> (and optional LLM
/// <c>context</c>) in our envelope, where nothing but <c>call_id</c> can name the call.
/// </summary>
public static class PipecatWebhook
{
    public static EnvelopeWebhook Envelope { get; } = new("pipecat");
}
