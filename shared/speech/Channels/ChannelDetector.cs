using Cekura.Contracts.Calls;

namespace Cekura.Speech.Channels;

/// <summary>Which channel of a two-party stereo recording is the agent, the rule that decided and how clearly.</summary>
/// <param name="Confidence">0..1; 1 when the client named the channel.</param>
/// <param name="TranscriptShiftSeconds">For <see cref="ChannelRules.TranscriptOverlap"/>: the shift that, added to
/// the transcript's times, best lines them up with the audio (providers' times are often late).</param>
public sealed record ChannelDecision(int AgentChannel, string Rule, double Confidence, double TranscriptShiftSeconds = 0);

/// <summary>
/// Decides the agent's channel of a stereo recording from each channel's speaking segments and the transcript.
/// <list type="number">
/// <item><c>main_agent_channel_index</c> when the client gave it.</item>
/// <item><c>transcript_overlap</c>: for each hypothesis (channel 0 is the agent, or channel 1), how many seconds of
/// the agent channel's speech fall inside Main Agent turns plus the other channel's speech inside Testing Agent
/// turns. Transcript times may be off by a constant (late provider clocks, another zero point), so the transcript is
/// slid by up to ±<see cref="MaxShiftSeconds"/> and the best-matching shift is used. Confidence is the margin
/// between the two hypotheses over their sum.</item>
/// <item><c>first_speaker</c>, without timed turns: the channel that speaks first is the party that speaks first in
/// the transcript (the agent when the transcript has no speech: an answering agent greets first).</item>
/// </list>
/// </summary>
public static class ChannelDetector
{
    public const double MaxShiftSeconds = 2.0;
    private const double ShiftStepSeconds = 0.05;

    /// <summary>Below this many seconds of matched speech, overlap says too little and the first-speaker rule decides.</summary>
    private const double MinOverlapSeconds = 0.5;

    public static ChannelDecision Decide(
        IReadOnlyList<SpeakingSegment> channel0, IReadOnlyList<SpeakingSegment> channel1,
        IReadOnlyList<TranscriptEntry> transcript, int? givenAgentChannel)
    {
        if (givenAgentChannel is { } given)
        {
            return new ChannelDecision(given, ChannelRules.MainAgentChannelIndex, 1.0);
        }
        var agentTurns = Timed(transcript, TranscriptRoles.MainAgent);
        var testingTurns = Timed(transcript, TranscriptRoles.TestingAgent);
        if (agentTurns.Count + testingTurns.Count > 0)
        {
            var byOverlap = ByOverlap(channel0, channel1, agentTurns, testingTurns);
            if (byOverlap is not null)
            {
                return byOverlap;
            }
        }
        return ByFirstSpeaker(channel0, channel1, transcript);
    }

    private static ChannelDecision? ByOverlap(
        IReadOnlyList<SpeakingSegment> channel0, IReadOnlyList<SpeakingSegment> channel1,
        IReadOnlyList<SpeakingSegment> agentTurns, IReadOnlyList<SpeakingSegment> testingTurns)
    {
        var steps = (int)Math.Round(MaxShiftSeconds / ShiftStepSeconds);
        (double Zero, double One, double Shift) best = (0, 0, 0);
        // Try shift 0 first and the nearest shifts next, so ties keep the smallest correction.
        foreach (var step in Enumerable.Range(0, steps + 1).SelectMany(s => s == 0 ? new[] { 0 } : [s, -s]))
        {
            var shift = step * ShiftStepSeconds;
            var agent = Shifted(agentTurns, shift);
            var testing = Shifted(testingTurns, shift);
            var zeroIsAgent = Overlap(channel0, agent) + Overlap(channel1, testing);
            var oneIsAgent = Overlap(channel1, agent) + Overlap(channel0, testing);
            if (Math.Max(zeroIsAgent, oneIsAgent) > Math.Max(best.Zero, best.One) + 1e-9)
            {
                best = (zeroIsAgent, oneIsAgent, shift);
            }
        }
        var total = best.Zero + best.One;
        if (Math.Max(best.Zero, best.One) < MinOverlapSeconds)
        {
            return null;
        }
        var agentChannel = best.Zero >= best.One ? 0 : 1;
        return new ChannelDecision(agentChannel, ChannelRules.TranscriptOverlap,
            Math.Round(Math.Abs(best.Zero - best.One) / total, 3), Math.Round(best.Shift, 2));
    }

    private static ChannelDecision ByFirstSpeaker(
        IReadOnlyList<SpeakingSegment> channel0, IReadOnlyList<SpeakingSegment> channel1, IReadOnlyList<TranscriptEntry> transcript)
    {
        var firstSpeech = transcript.FirstOrDefault(e => e.IsSpeech);
        var agentSpeaksFirst = firstSpeech is null || firstSpeech.Role == TranscriptRoles.MainAgent;
        var start0 = channel0.Count > 0 ? channel0[0].Start : double.PositiveInfinity;
        var start1 = channel1.Count > 0 ? channel1[0].Start : double.PositiveInfinity;
        if (double.IsPositiveInfinity(start0) && double.IsPositiveInfinity(start1))
        {
            return new ChannelDecision(0, ChannelRules.FirstSpeaker, 0);
        }
        var firstChannel = start0 <= start1 ? 0 : 1;
        // A lead of a second or more is a clear "who spoke first"; a near tie says little.
        var lead = Math.Abs(start0 - start1);
        var confidence = double.IsPositiveInfinity(lead) ? 1.0 : Math.Min(1.0, lead);
        return new ChannelDecision(agentSpeaksFirst ? firstChannel : 1 - firstChannel, ChannelRules.FirstSpeaker,
            Math.Round(confidence, 3));
    }

    private static List<SpeakingSegment> Timed(IReadOnlyList<TranscriptEntry> transcript, string role) =>
        transcript
            .Where(e => e.Role == role && e.StartTime is not null && e.EndTime is not null && e.EndTime > e.StartTime)
            .Select(e => new SpeakingSegment(e.StartTime!.Value, e.EndTime!.Value))
            .OrderBy(s => s.Start)
            .ToList();

    private static List<SpeakingSegment> Shifted(IReadOnlyList<SpeakingSegment> turns, double shift) =>
        turns.Select(t => new SpeakingSegment(t.Start + shift, t.End + shift)).ToList();

    /// <summary>Seconds of <paramref name="speech"/> that fall inside <paramref name="turns"/> (both sorted by start).</summary>
    internal static double Overlap(IReadOnlyList<SpeakingSegment> speech, IReadOnlyList<SpeakingSegment> turns)
    {
        double total = 0;
        var t = 0;
        foreach (var segment in speech)
        {
            // Segments come in start order, so a turn that ended before this one started cannot matter again.
            while (t < turns.Count && turns[t].End <= segment.Start)
            {
                t++;
            }
            for (var k = t; k < turns.Count && turns[k].Start < segment.End; k++)
            {
                total += Math.Max(0, Math.Min(segment.End, turns[k].End) - Math.Max(segment.Start, turns[k].Start));
            }
        }
        return total;
    }
}
