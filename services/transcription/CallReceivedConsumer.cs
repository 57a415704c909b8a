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

public sealed class CallReceivedConsumerDefinition(IOptions<BusOptions> options)
    : StageConsumerDefinition<CallReceivedConsumer>(options, CallReceivedConsumerDefinition.Queue)
{
    /// <summary>The RabbitMQ queue; deploy/k8s\'s autoscaler watches it by this name.</summary>
    public const string Queue = "transcription";
}

public sealed class RecordedCallReceivedConsumerDefinition(IOptions<BusOptions> options)
    : StageConsumerDefinition<RecordedCallReceivedConsumer>(options, RecordedCallReceivedConsumerDefinition.Queue)
{
    /// <summary>The RabbitMQ queue of the recordings lane; deploy/k8s's autoscaler watches it too.</summary>
    public const string Queue = "transcription-recordings";
}

public sealed class CallReceivedFaultConsumerDefinition : ConsumerDefinition<CallReceivedFaultConsumer>
{
    public CallReceivedFaultConsumerDefinition() => EndpointName = "transcription-faults";
}
