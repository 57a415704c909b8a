using System.Globalization;
using Cekura.Contracts.Calls;
using Cekura.Speech.Speakers;

namespace Cekura.Transcription.SpeechToText;

/// <summary>One stretch of recognised speech as a backend returns it (a segment, an utterance or a word).</summary>
/// <param name="Speaker">The backend's speaker label (<c>"A"</c>, <c>"speaker_1"</c>, <c>"0"</c>); null when it did not diarize.</param>
public sealed record SpeechSegment(string? Speaker, double Start, double End, string Text);

/// <summary>Builds canonical speech turns from backend segments and decides who the agent is.</summary>
public static class SpeechToTextTurns
{
    /// <summary>
    /// Consecutive segments of one speaker separated by less than this are one turn. It is Deepgram's default
    /// <c>utt_split</c>, so turns built from OpenAI segments or Deepgram words match Deepgram's own utterances; a
    /// longer pause starts a new turn of the same speaker, which keeps the pause visible to timing metrics.
    /// </summary>
    public const double MergeGapSeconds = 0.8;

    /// <summary>The backend labelled no speakers (e.g. OpenAI's <c>verbose_json</c>): all speech is one speaker and is
    /// recorded as the Main Agent, because nothing in the response can tell the agent from the caller.</summary>
    public const string UndiarizedRule = "undiarized";

    /// <summary>The turns in time order with their roles, the agent's speaker number and the rule that chose it.</summary>
    /// <param name="what">Names the backend in the failure message, e.g. <c>OpenAI (whisper-1)</c>.</param>
    /// <exception cref="SpeechToTextException">No segment holds any text.</exception>
    public static (IReadOnlyList<TranscriptEntry> Entries, int AgentSpeaker, string AgentRule) Build(
        IEnumerable<SpeechSegment> segments, string what)
    {
        var spoken = segments.Where(s => !string.IsNullOrWhiteSpace(s.Text)).OrderBy(s => s.Start).ToList();
        if (spoken.Count == 0)
        {
            throw new SpeechToTextException(
                $"Speech-to-text ({what}) recognised no speech in the recording: the response has no segments with text.");
        }

        var diarized = spoken.Any(s => !string.IsNullOrWhiteSpace(s.Speaker));
        var numbers = SpeakerNumbers(spoken);
        var turns = Merge(spoken, numbers);

        var (agent, rule) = diarized
            ? AgentSpeakerRules.Decide(turns.Take(AgentSpeakerRules.OpeningTurns).Select(t => (t.Speaker, t.Text)).ToList())
            : (turns[0].Speaker, UndiarizedRule);
        var entries = turns.Select(t => new TranscriptEntry
        {
            Role = t.Speaker == agent ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent,
            Content = t.Text,
            StartTime = t.Start,
            EndTime = t.End,
        }).ToList();
        return (entries, agent, rule);
    }

    private sealed record Turn(int Speaker, double Start, double End, string Text);

    /// <summary>
    /// Deepgram numbers its speakers, so those numbers are kept; letters or names (OpenAI) are numbered in the order
    /// the speakers are first heard. A segment without a label among labelled ones belongs to the speaker before it
    /// (the first labelled speaker when it comes first): diarizers drop labels on short fragments.
    /// </summary>
    private static int[] SpeakerNumbers(List<SpeechSegment> spoken)
    {
        var labels = spoken.Select(s => string.IsNullOrWhiteSpace(s.Speaker) ? null : s.Speaker.Trim()).ToList();
        var numeric = labels.All(l => l is null || int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbers = new int[spoken.Count];
        int? previous = null;
        var firstLabelled = labels.FirstOrDefault(l => l is not null);
        for (var i = 0; i < spoken.Count; i++)
        {
            var label = labels[i] ?? (previous is null ? firstLabelled : null);
            if (label is null)
            {
                numbers[i] = previous ?? 0;
                continue;
            }
            numbers[i] = numeric
                ? int.Parse(label, NumberStyles.None, CultureInfo.InvariantCulture)
                : order.TryGetValue(label, out var n) ? n : order[label] = order.Count;
            previous = numbers[i];
        }
        return numbers;
    }

    private static List<Turn> Merge(List<SpeechSegment> spoken, int[] speakers)
    {
        var turns = new List<Turn>();
        for (var i = 0; i < spoken.Count; i++)
        {
            var segment = spoken[i];
            var text = segment.Text.Trim();
            if (turns.Count > 0 && turns[^1] is var last && last.Speaker == speakers[i]
                && segment.Start - last.End < MergeGapSeconds)
            {
                turns[^1] = last with { End = Math.Max(last.End, segment.End), Text = $"{last.Text} {text}" };
            }
            else
            {
                turns.Add(new Turn(speakers[i], segment.Start, Math.Max(segment.Start, segment.End), text));
            }
        }
        return turns;
    }
}
