using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Transcripts;

/// <summary>
/// Ends for formats that give a turn's start only (transcript-formats.md: "from the next entry's start, capped by a
/// speaking-rate estimate").
/// </summary>
public static class StartOnlyTurns
{
    /// <summary>The speaking rate that caps a derived end: 150 words a minute, a rate most voice agents and callers stay under.</summary>
    public const double WordsPerSecond = 2.5;

    /// <summary>For text written without spaces (e.g. Chinese, Japanese), where words cannot be counted.</summary>
    public const double CharactersPerSecond = 15;

    /// <summary>No turn is estimated shorter than this: some formats truncate starts to whole seconds.</summary>
    public const double MinimumTurnSeconds = 1;

    /// <summary>
    /// How long <paramref name="text"/> takes to say at most: whitespace-separated words at <see cref="WordsPerSecond"/>,
    /// or non-space characters at <see cref="CharactersPerSecond"/> when that is longer, and at least
    /// <see cref="MinimumTurnSeconds"/>.
    /// </summary>
    public static double SpeakingSeconds(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var characters = text.Count(c => !char.IsWhiteSpace(c));
        return Math.Max(MinimumTurnSeconds, Math.Max(words / WordsPerSecond, characters / CharactersPerSecond));
    }

    /// <summary>The end <see cref="SpeakingSeconds"/> gives, rounded to milliseconds.</summary>
    public static double EstimatedEnd(TranscriptEntry turn) => Math.Round(turn.StartTime!.Value + SpeakingSeconds(turn.Content), 3);

    /// <summary>
    /// Gives each timed speech turn without an end the next timed speech turn's start, but no later than
    /// <paramref name="estimatedEnd"/>. The last one is left open when the recording will close it (its length is
    /// known only after decoding), or given its estimate when <paramref name="estimateLast"/>.
    /// </summary>
    /// <param name="ordered">Entries in start order (<see cref="TranscriptOrder.ByStartTime"/>).</param>
    public static List<TranscriptEntry> CloseByNextStart(
        IReadOnlyList<TranscriptEntry> ordered, Func<TranscriptEntry, double> estimatedEnd, bool estimateLast)
    {
        var result = ordered.ToList();
        double? nextStart = null;
        for (var i = result.Count - 1; i >= 0; i--)
        {
            if (result[i] is not { IsSpeech: true, StartTime: { } start } turn)
            {
                continue;
            }
            if (turn.EndTime is null && (nextStart is not null || estimateLast))
            {
                var estimate = estimatedEnd(turn);
                result[i] = turn with { EndTime = nextStart is { } next ? Math.Max(start, Math.Min(next, estimate)) : estimate };
            }
            nextStart = start;
        }
        return result;
    }
}
