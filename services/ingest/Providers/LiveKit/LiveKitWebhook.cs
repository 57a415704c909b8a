using Cekura.Ingest.Webhooks;

namespace Cekura.Ingest.Providers.LiveKit;

/// <summary>
/// LiveKit has no post-call webhook: the user's shutdown hook posts <c>session.history.to_dict()</c> or a
/// <c>SessionReport</c> in our envelope. A SessionReport names the call by <c>room_id</c>, <c>room</c> or <c>job_id</c>,
/// used when the poster sets no <c>call_id</c>.
/// </summary>
public static class LiveKitWebhook
{
    public static EnvelopeWebhook Envelope { get; } = new("livekit", "room_id", "room", "job_id");
}
