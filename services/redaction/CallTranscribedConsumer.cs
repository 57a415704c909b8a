using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Redaction;

/// <summary>
/// Calls that asked for no redaction pass straight on. Until the recognizers exist, a call that asked for
/// redaction stops here with a reason: its transcript and recording stay withheld rather than leak.
/// </summary>
public sealed class CallTranscribedConsumer(CallStageRunner runner) : IConsumer<CallTranscribed>
{
    public Task Consume(ConsumeContext<CallTranscribed> context) =>
        runner.RunAsync(context.Message.CallLogId, CallStage.Transcribed, CallStage.Redacted, Redact, context.CancellationToken);

    private static Task<StageOutcome> Redact(CallLog call, CancellationToken cancellationToken) =>
        Task.FromResult(call.RedactFields.Count == 0
            ? StageOutcome.Advance(c => c)
            : StageOutcome.Fail(
                $"PII redaction ({string.Join(", ", call.RedactFields)}) is not available on this server yet; " +
                "the transcript and recording stay withheld."));
}

public sealed class CallTranscribedFaultConsumer(CallStageRunner runner) : IConsumer<Fault<CallTranscribed>>
{
    public Task Consume(ConsumeContext<Fault<CallTranscribed>> context) =>
        runner.RecordFaultAsync(context.Message.Message.CallLogId, CallStage.Transcribed, "Redaction",
            context.Message.Exceptions.Select(e => e.Message), context.CancellationToken);
}

public sealed class CallTranscribedConsumerDefinition : ConsumerDefinition<CallTranscribedConsumer>
{
    private readonly BusOptions _options;

    public CallTranscribedConsumerDefinition(IOptions<BusOptions> options)
    {
        _options = options.Value;
        EndpointName = "redaction";
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CallTranscribedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ApplyStageSettings(_options);
}

public sealed class CallTranscribedFaultConsumerDefinition : ConsumerDefinition<CallTranscribedFaultConsumer>
{
    public CallTranscribedFaultConsumerDefinition() => EndpointName = "redaction-faults";
}
