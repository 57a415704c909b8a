using MassTransit;

namespace Cekura.Contracts.Messages;

/// <summary>A call was accepted and durably stored; transcription is next.</summary>
[MessageUrn("cekura:call-received", useDefaultPrefix: false)]
public sealed record CallReceived
{
    public required long CallLogId { get; init; }
    public required long ProjectId { get; init; }
}
