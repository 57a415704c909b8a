namespace Cekura.Contracts.Calls;

/// <summary>
/// Where a call is in the processing chain. Each stage records its completion on the CallLog; the stage
/// decides which event is still owed (see <see cref="CallStageEvents"/>).
/// </summary>
public enum CallStage
{
    Received,
    Transcribed,
    Redacted,
    Evaluated,
    Failed,
}
