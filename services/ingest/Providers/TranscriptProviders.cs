using Cekura.Ingest.Providers.Cekura;
using Cekura.Ingest.Providers.Deepgram;
using Cekura.Ingest.Providers.ElevenLabs;
using Cekura.Ingest.Providers.LiveKit;
using Cekura.Ingest.Providers.Pipecat;
using Cekura.Ingest.Providers.Retell;
using Cekura.Ingest.Providers.Vapi;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Webhooks;

namespace Cekura.Ingest.Providers;

/// <summary>One provider: its transcript parser, the clues that recognise its payloads, and its native webhook if it has one.</summary>
public sealed record TranscriptProvider(ITranscriptParser Parser, FormatClues Clues, IProviderWebhook? Webhook = null);

/// <summary>
/// Every transcript format we accept. To add a provider, make a folder <c>Providers/&lt;Name&gt;</c> with its parser (a
/// <see cref="TranscriptParser"/> that maps one entry), its <see cref="FormatClues"/> and, if it posts its own webhook,
/// an <see cref="IProviderWebhook"/>; then add one line here. Ingest registers each parser and webhook from this list,
/// the sniffer reads its clues, and <see cref="TranscriptTypes.All"/> lists its types, in this order.
/// </summary>
public static class TranscriptProviders
{
    public static IReadOnlyList<TranscriptProvider> All { get; } =
    [
        new(new CekuraTranscriptParser(), CekuraClues.Clues),
        new(new VapiTranscriptParser(), VapiClues.Clues, new VapiWebhook()),
        new(new RetellTranscriptParser(), RetellClues.Clues, new RetellWebhook()),
        new(new ElevenLabsTranscriptParser(), ElevenLabsClues.Clues, new ElevenLabsWebhook()),
        new(new LiveKitTranscriptParser(), LiveKitClues.Clues, LiveKitWebhook.Envelope),
        new(new PipecatTranscriptParser(), PipecatClues.Clues, PipecatWebhook.Envelope),
        new(new DeepgramTranscriptParser(), DeepgramClues.Clues),
    ];
}
