using MassTransit;

namespace Cekura.Contracts.Messages;

/// <summary>The call has a transcript and a duration; redaction is next.</summary>
[MessageUrn("cekura:call-transcribed", useDefaultPrefix: false)]
public sealed record CallTranscribed
{
    public required long CallLogId { get; init; }
    public required long ProjectId { get; init; }
}
