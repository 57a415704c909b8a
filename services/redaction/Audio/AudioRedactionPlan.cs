using Cekura.Contracts.Calls;
using Cekura.Redaction.Transcripts;

namespace Cekura.Redaction.Audio;

/// <summary>A stretch of the recording to mask, in seconds; <see cref="Channel"/> null means every channel.</summary>
public sealed record MaskWindow(int? Channel, double Start, double End);

/// <summary>The windows to mask (merged, in time order per channel) and how many spans could not be placed in time.</summary>
public sealed record AudioRedactionPlan(IReadOnlyList<MaskWindow> Windows, int UnlocatedSpans);

/// <summary>
/// Places each redacted speech span in the recording. The canonical transcript has turn times but no word times, so a
/// span's time is estimated proportionally to its character offsets within its turn, then widened by a padding on
/// each side (speaking rate varies within a turn) and clamped to the turn. Where that estimate cannot be trusted the
/// whole turn is masked; a span in an untimed turn cannot be placed at all, so its speaker's whole channel is masked
/// (every channel when the channels are not separable): losing audio is better than leaking it.
/// Plain C#: the times come from the transcript and the transcription stage's <see cref="RecordingData"/>.
/// </summary>
public static class AudioRedactionPlanner
{
    /// <summary>
    /// Outside this speaking rate (characters per second of turn) the turn's times do not describe its text well
    /// enough to place a word in it; conversational speech runs at roughly 10–20.
    /// </summary>
    private const double MinCharsPerSecond = 4;
    private const double MaxCharsPerSecond = 40;

    public static AudioRedactionPlan Plan(
        IReadOnlyList<TranscriptEntry> original, IEnumerable<TextRedaction> speechRedactions,
        RecordingData? recording, double durationSeconds, double paddingSeconds)
    {
        var shift = recording?.TranscriptShift ?? 0;
        var windows = new List<MaskWindow>();
        var unlocated = 0;
        foreach (var redaction in speechRedactions.Where(r => r.Field == RedactedField.Content))
        {
            var entry = original[redaction.EntryIndex];
            var channel = Channel(entry.Role, recording);
            if (entry.StartTime is not { } start)
            {
                unlocated++;
                windows.Add(new MaskWindow(channel, 0, durationSeconds));
                continue;
            }
            var turnStart = start + shift;
            var turnEnd = (entry.EndTime ?? NextStart(original, redaction.EntryIndex, start) ?? durationSeconds - shift) + shift;
            if (turnEnd <= turnStart)
            {
                // A zero-length turn (start == end) still said something around that moment.
                turnEnd = turnStart;
                turnStart -= paddingSeconds;
                turnEnd += paddingSeconds;
            }
            var (from, to) = Estimate(entry, redaction, turnStart, turnEnd, paddingSeconds);
            from = Math.Max(0, from);
            to = Math.Min(durationSeconds, to);
            if (to > from)
            {
                windows.Add(new MaskWindow(channel, from, to));
            }
        }
        return new AudioRedactionPlan(Merge(windows), unlocated);
    }

    private static (double From, double To) Estimate(
        TranscriptEntry entry, TextRedaction redaction, double turnStart, double turnEnd, double padding)
    {
        var length = entry.Content.Length;
        var seconds = turnEnd - turnStart;
        var rate = length / seconds;
        if (entry.EndTime is null || rate is < MinCharsPerSecond or > MaxCharsPerSecond)
        {
            return (turnStart, turnEnd);
        }
        var from = turnStart + seconds * redaction.Start / length - padding;
        var to = turnStart + seconds * (redaction.Start + redaction.Length) / length + padding;
        return (Math.Max(turnStart, from), Math.Min(turnEnd, to));
    }

    /// <summary>A separable stereo recording has the agent on its own channel and the other party on the other one.</summary>
    private static int? Channel(string role, RecordingData? recording)
    {
        if (recording is not { SeparableChannels: true, Channels: 2, MainAgentChannelIndex: { } agent and (0 or 1) })
        {
            return null;
        }
        return role == TranscriptRoles.MainAgent ? agent : 1 - agent;
    }

    private static double? NextStart(IReadOnlyList<TranscriptEntry> transcript, int index, double start) =>
        transcript.Skip(index + 1).Select(e => e.StartTime).FirstOrDefault(s => s > start);

    /// <summary>
    /// Overlapping windows of one channel become one; a window for every channel absorbs nothing (the mask is applied
    /// per channel, each taking the all-channel windows plus its own).
    /// </summary>
    private static IReadOnlyList<MaskWindow> Merge(List<MaskWindow> windows)
    {
        var merged = new List<MaskWindow>();
        foreach (var group in windows.GroupBy(w => w.Channel).OrderBy(g => g.Key ?? -1))
        {
            MaskWindow? current = null;
            foreach (var window in group.OrderBy(w => w.Start))
            {
                if (current is not null && window.Start <= current.End)
                {
                    current = current with { End = Math.Max(current.End, window.End) };
                    continue;
                }
                if (current is not null)
                {
                    merged.Add(current);
                }
                current = window;
            }
            merged.Add(current!);
        }
        return merged;
    }
}
