using System.Text.Json.Serialization;
using MassTransit;

namespace Cekura.Contracts.Messages;

/// <summary>A call was accepted and durably stored; transcription is next.</summary>
[MessageUrn("cekura:call-received", useDefaultPrefix: false)]
public sealed record CallReceived
{
    public required long CallLogId { get; init; }
    public required long ProjectId { get; init; }

    /// <summary>
    /// Whether the call has a stored recording to analyse, which sends it down the transcription stage's recordings
    /// lane; null when the publisher did not say (the outbox relay, earlier versions): the main lane takes it then.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? HasRecording { get; init; }
}
