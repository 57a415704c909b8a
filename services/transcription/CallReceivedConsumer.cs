using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Transcription.Recordings;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription;

/// <summary>
/// Measures the call's recording, transcribes none-mono calls and sets the duration (see <see cref="CallTranscriber"/>):
/// the main lane, for calls without a recording (and events that do not say). A call with one waits for a recording
/// analysis slot (one per core), so on this queue every transcript-only call behind a run of recorded ones waited with
/// them: under mixed load the whole chain went at the pace of the audio. Those go down
/// <see cref="RecordedCallReceivedConsumer"/>'s queue instead; each lane leaves the other's calls alone.
/// </summary>
public sealed class CallReceivedConsumer(CallStageRunner runner, CallTranscriber transcriber) : IConsumer<CallReceived>
{
    public Task Consume(ConsumeContext<CallReceived> context) =>
        context.Message.HasRecording == true
            ? Task.CompletedTask
            : runner.RunAsync(context, context.Message.CallLogId, CallStage.Received, CallStage.Transcribed, transcriber.TranscribeAsync);
}

/// <summary>The recordings lane of the transcription stage: the same work, for calls announced with a recording.</summary>
public sealed class RecordedCallReceivedConsumer(CallStageRunner runner, CallTranscriber transcriber) : IConsumer<CallReceived>
{
    public Task Consume(ConsumeContext<CallReceived> context) =>
        context.Message.HasRecording != true
            ? Task.CompletedTask
            : runner.RunAsync(context, context.Message.CallLogId, CallStage.Received, CallStage.Transcribed, transcriber.TranscribeAsync);
}

/// <summary>Retries exhausted: the message sits in the error queue and the call says why it stopped.</summary>
public sealed class CallReceivedFaultConsumer(CallStageRunner runner) : IConsumer<Fault<CallReceived>>
{
    public Task Consume(ConsumeContext<Fault<CallReceived>> context) =>
        runner.RecordFaultAsync(context.Message.Message.CallLogId, CallStage.Received, "Transcription",
            context.Message.Exceptions, context.CancellationToken);
}

public sealed class CallReceivedConsumerDefinition : ConsumerDefinition<CallReceivedConsumer>
{
    /// <summary>The RabbitMQ queue; deploy/k8s\'s autoscaler watches it by this name.</summary>
    public const string Queue = "transcription";

    private readonly BusOptions _options;

    public CallReceivedConsumerDefinition(IOptions<BusOptions> options)
    {
        _options = options.Value;
        EndpointName = Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CallReceivedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ApplyStageSettings(_options);
}

public sealed class RecordedCallReceivedConsumerDefinition : ConsumerDefinition<RecordedCallReceivedConsumer>
{
    /// <summary>The RabbitMQ queue of the recordings lane; deploy/k8s's autoscaler watches it too.</summary>
    public const string Queue = "transcription-recordings";

    private readonly BusOptions _options;

    public RecordedCallReceivedConsumerDefinition(IOptions<BusOptions> options)
    {
        _options = options.Value;
        EndpointName = Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RecordedCallReceivedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ApplyStageSettings(_options);
}

public sealed class CallReceivedFaultConsumerDefinition : ConsumerDefinition<CallReceivedFaultConsumer>
{
    public CallReceivedFaultConsumerDefinition() => EndpointName = "transcription-faults";
}
