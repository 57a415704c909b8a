using Cekura.Speech.VoiceActivity;

namespace Cekura.Transcription.Recordings;

/// <summary>
/// Builds the recording analyzer when the host starts (so the Silero model loads then, not on the first recorded
/// call) and says in the log when it runs differently from its configuration: the energy detector instead of Silero,
/// or analyses at the process's own priority because the nice value could not be set. It also says how many
/// recordings it analyses at once, since that default depends on what else runs in the process.
/// </summary>
public sealed class RecordingAnalyzerStartupLog(RecordingAnalyzer analyzer, ILogger<RecordingAnalyzerStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Recording analyses: {Analyses} at a time, voice activity by {Detector}",
            analyzer.ConcurrentAnalyses, analyzer.Detector);
        if (analyzer.FallbackReason is { } fallback)
        {
            logger.LogWarning("Voice activity uses the energy detector: {Reason}", fallback);
        }
        if (analyzer.PriorityProblem is { } problem)
        {
            logger.LogWarning("Recording analyses run at the process's priority (VoiceActivity:AnalysisNice / AnalysisIdle not applied): {Reason}", problem);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
