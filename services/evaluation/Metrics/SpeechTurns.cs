using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics;

/// <summary>A timed speech turn; metrics that need times work on these and skip untimed turns.</summary>
public readonly record struct SpeechTurn(bool IsAgent, double Start, double End);

public static class SpeechTurns
{
    /// <summary>Speech turns with both times, in start order; also how many speech turns lacked times.</summary>
    public static (IReadOnlyList<SpeechTurn> Timed, int Untimed) From(IReadOnlyList<TranscriptEntry> transcript)
    {
        var speech = transcript.Where(e => e.IsSpeech).ToList();
        var timed = speech
            .Where(e => e.StartTime is not null && e.EndTime is not null)
            .Select(e => new SpeechTurn(e.Role == TranscriptRoles.MainAgent, e.StartTime!.Value, e.EndTime!.Value))
            .OrderBy(t => t.Start)
            .ToList();
        return (timed, speech.Count - timed.Count);
    }
}
