using System.Globalization;
using Cekura.Contracts.Calls;

namespace Cekura.Evaluation.Metrics;

/// <summary>A timed speech turn; metrics that need times work on these and skip untimed turns.</summary>
public readonly record struct SpeechTurn(bool IsAgent, double Start, double End);

/// <summary>A stretch of time, in seconds from the start of the call.</summary>
public readonly record struct SpeechSpan(double Start, double End)
{
    public double Length => End - Start;
}

/// <summary>A stretch in which nobody speaks.</summary>
/// <param name="AfterCaller">The caller's speech was the last to end before it, so the agent owed a reply.</param>
/// <param name="Trailing">It runs from the last speech to the end of the call.</param>
public readonly record struct MutualSilence(double Start, double End, bool AfterCaller, bool Trailing)
{
    public double Length => End - Start;
}

/// <summary>The turns the timing metrics run on, and where their times came from.</summary>
/// <param name="Untimed">Speech turns skipped for lack of times (transcript source only).</param>
/// <param name="Source"><c>recording</c> or <c>transcript</c>, as recorded in each metric's <c>extra.timing_source</c>.</param>
/// <param name="Description">The sentence each timing metric's explanation carries about its source.</param>
public sealed record TimedSpeech(IReadOnlyList<SpeechTurn> Turns, int Untimed, string Source, string Description);

public static class SpeechTurns
{
    public const string RecordingSource = "recording";
    public const string TranscriptSource = "transcript";

    /// <summary>
    /// Per-channel voice activity of a two-party stereo recording when there is one: it is when each party really
    /// spoke, where providers' transcript times are often hundreds of milliseconds late. Otherwise the transcript's
    /// timed speech turns.
    /// </summary>
    public static TimedSpeech Choose(IReadOnlyList<TranscriptEntry> transcript, RecordingData? recording)
    {
        if (recording is { SeparableChannels: true } && recording.MainSpeaking.Count + recording.TestingSpeaking.Count > 0)
        {
            var turns = recording.MainSpeaking.Select(s => new SpeechTurn(true, s.Start, s.End))
                .Concat(recording.TestingSpeaking.Select(s => new SpeechTurn(false, s.Start, s.End)))
                .OrderBy(t => t.Start)
                .ToList();
            var description = string.Create(CultureInfo.InvariantCulture,
                $"Timed from the recording: speaking segments of each stereo channel (agent on channel {recording.MainAgentChannelIndex}, {recording.VoiceActivityDetector} voice activity).");
            return new TimedSpeech(turns, 0, RecordingSource, description);
        }
        var (timed, untimed) = From(transcript);
        var why = recording is null ? "there is no recording" : "the recording's channels do not separate the two parties";
        return new TimedSpeech(timed, untimed, TranscriptSource, $"Timed from the transcript's turn times ({why}).");
    }

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

    /// <summary>The union of the turns' time spans, merged where they overlap or touch, in time order.</summary>
    /// <remarks>Speaking time is this union, so overlapping turns of one party are not counted twice.</remarks>
    public static IReadOnlyList<SpeechSpan> Union(IEnumerable<SpeechTurn> turns)
    {
        var spans = new List<SpeechSpan>();
        foreach (var turn in turns.OrderBy(t => t.Start))
        {
            if (spans.Count > 0 && turn.Start <= spans[^1].End)
            {
                spans[^1] = spans[^1] with { End = Math.Max(spans[^1].End, turn.End) };
            }
            else
            {
                spans.Add(new SpeechSpan(turn.Start, Math.Max(turn.Start, turn.End)));
            }
        }
        return spans;
    }

    /// <summary>
    /// The gaps between the speech of both parties, from the first speech on, and from the last speech to
    /// <paramref name="callEnd"/> when that is later. Each gap records whose speech ended last before it; when both
    /// parties stop at the same moment it counts as the agent's, so a tie never reads as an unanswered caller.
    /// </summary>
    public static IReadOnlyList<MutualSilence> Silences(IReadOnlyList<SpeechTurn> turns, double? callEnd)
    {
        var silences = new List<MutualSilence>();
        double? speechUntil = null;
        var lastIsAgent = false;
        foreach (var turn in turns.OrderBy(t => t.Start))
        {
            if (speechUntil is { } until && turn.Start > until)
            {
                silences.Add(new MutualSilence(until, turn.Start, AfterCaller: !lastIsAgent, Trailing: false));
            }
            if (speechUntil is not { } current || turn.End > current || turn.Start > current)
            {
                speechUntil = Math.Max(turn.Start, turn.End);
                lastIsAgent = turn.IsAgent;
            }
            else if (turn.End == current && turn.IsAgent)
            {
                lastIsAgent = true;
            }
        }
        if (speechUntil is { } end && callEnd is { } stop && stop > end)
        {
            silences.Add(new MutualSilence(end, stop, AfterCaller: !lastIsAgent, Trailing: true));
        }
        return silences;
    }
}
