using MassTransit;

namespace Cekura.Contracts.Messages;

/// <summary>Metrics, success and status are recorded; the call is complete.</summary>
[MessageUrn("cekura:call-evaluated", useDefaultPrefix: false)]
public sealed record CallEvaluated
{
    public required long CallLogId { get; init; }
    public required long ProjectId { get; init; }
}
