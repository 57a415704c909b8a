using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Redaction;

/// <summary>
/// Redacts the transcript and recording of a call that asked for it (see <see cref="CallRedactor"/>); other calls pass
/// straight on. After the stage, the unredacted recording still owed for deletion is deleted, on every delivery, so a
/// crash between saving the call and deleting the blob is finished by the redelivery.
/// </summary>
public sealed class CallTranscribedConsumer(CallStageRunner runner, CallRedactor redactor) : IConsumer<CallTranscribed>
{
    public async Task Consume(ConsumeContext<CallTranscribed> context)
    {
        var id = context.Message.CallLogId;
        await runner.RunAsync(context, id, CallStage.Transcribed, CallStage.Redacted, redactor.RedactAsync);
        await redactor.FinishAsync(id, context.CancellationToken);
    }
}

public sealed class CallTranscribedFaultConsumer(CallStageRunner runner) : IConsumer<Fault<CallTranscribed>>
{
    public Task Consume(ConsumeContext<Fault<CallTranscribed>> context) =>
        runner.RecordFaultAsync(context.Message.Message.CallLogId, CallStage.Transcribed, "Redaction",
            context.Message.Exceptions, context.CancellationToken);
}

public sealed class CallTranscribedConsumerDefinition(IOptions<BusOptions> options)
    : StageConsumerDefinition<CallTranscribedConsumer>(options, CallTranscribedConsumerDefinition.Queue)
{
    /// <summary>The RabbitMQ queue; deploy/k8s\'s autoscaler watches it by this name.</summary>
    public const string Queue = "redaction";
}

public sealed class CallTranscribedFaultConsumerDefinition : ConsumerDefinition<CallTranscribedFaultConsumer>
{
    public CallTranscribedFaultConsumerDefinition() => EndpointName = "redaction-faults";
}
