using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Transcription.Duration;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription;

/// <summary>Gives the call its transcript-derived facts (duration); recordings and speech-to-text plug in here.</summary>
public sealed class CallReceivedConsumer(CallStageRunner runner) : IConsumer<CallReceived>
{
    public Task Consume(ConsumeContext<CallReceived> context) =>
        runner.RunAsync(context.Message.CallLogId, CallStage.Received, CallStage.Transcribed, Transcribe, context.CancellationToken);

    private static Task<StageOutcome> Transcribe(CallLog call, CancellationToken cancellationToken)
    {
        if (call.TranscriptObject.Count == 0)
        {
            return Task.FromResult(StageOutcome.Fail(
                "Speech-to-text is not configured on this server, so a none-mono recording cannot be transcribed."));
        }
        var duration = TranscriptDuration.Seconds(call.TranscriptObject);
        return Task.FromResult(StageOutcome.Advance(c => c with { DurationSeconds = duration }));
    }
}

/// <summary>Retries exhausted: the message sits in the error queue and the call says why it stopped.</summary>
public sealed class CallReceivedFaultConsumer(CallStageRunner runner) : IConsumer<Fault<CallReceived>>
{
    public Task Consume(ConsumeContext<Fault<CallReceived>> context) =>
        runner.RecordFaultAsync(context.Message.Message.CallLogId, CallStage.Received, "Transcription",
            context.Message.Exceptions.Select(e => e.Message), context.CancellationToken);
}

public sealed class CallReceivedConsumerDefinition : ConsumerDefinition<CallReceivedConsumer>
{
    private readonly BusOptions _options;

    public CallReceivedConsumerDefinition(IOptions<BusOptions> options)
    {
        _options = options.Value;
        EndpointName = "transcription";
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CallReceivedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ApplyStageSettings(_options);
}

public sealed class CallReceivedFaultConsumerDefinition : ConsumerDefinition<CallReceivedFaultConsumer>
{
    public CallReceivedFaultConsumerDefinition() => EndpointName = "transcription-faults";
}
