using MassTransit;

namespace Cekura.Contracts.Messages;

/// <summary>Requested PII is gone from the call (or none was requested); evaluation is next.</summary>
[MessageUrn("cekura:call-redacted", useDefaultPrefix: false)]
public sealed record CallRedacted
{
    public required long CallLogId { get; init; }
    public required long ProjectId { get; init; }
}
