using Cekura.Contracts.Messages;

namespace Cekura.Contracts.Calls;

/// <summary>The event each stage owes the bus once it is recorded.</summary>
public static class CallStageEvents
{
    /// <summary>
    /// The message announcing <paramref name="stage"/>, or null for a stage that announces nothing.
    /// <paramref name="hasRecording"/> (see <see cref="CallReceived.HasRecording"/>) when the publisher knows it.
    /// </summary>
    public static object? For(CallStage stage, long callLogId, long projectId, bool? hasRecording = null) => stage switch
    {
        CallStage.Received => new CallReceived { CallLogId = callLogId, ProjectId = projectId, HasRecording = hasRecording },
        CallStage.Transcribed => new CallTranscribed { CallLogId = callLogId, ProjectId = projectId },
        CallStage.Redacted => new CallRedacted { CallLogId = callLogId, ProjectId = projectId },
        CallStage.Evaluated => new CallEvaluated { CallLogId = callLogId, ProjectId = projectId },
        _ => null,
    };

    /// <summary>True when no further stage will run.</summary>
    public static bool IsTerminal(CallStage stage) => stage is CallStage.Evaluated or CallStage.Failed;
}
