using System.Globalization;
using Cekura.Contracts.Calls;
using Cekura.Speech.Channels;
using Cekura.Speech.Tests.VoiceActivity;
using Cekura.TestSupport.Audio;
using Xunit.Abstractions;

namespace Cekura.Speech.Tests.Channels;

/// <summary>
/// Channel detection measured end to end on generated stereo calls: espeak-ng speech with varied turn lengths,
/// interruptions, cross-talk, level differences, noise and containers; our voice activity on each channel; and a
/// transcript whose times are late and jittered the way providers' are. The README quotes these figures.
/// </summary>
[Collection(SpeechAudioCollection.Name)]
public sealed class ChannelDetectionAccuracyTests(SpeechAudioFixture audio, ITestOutputHelper output)
{
    private const int Calls = 50;

    [Fact]
    public async Task Agent_channel_is_found_in_at_least_98_percent_of_generated_stereo_calls()
    {
        int overlapCorrect = 0, firstSpeakerCorrect = 0, firstSpeakerCalls = 0;
        var failures = new List<string>();
        var confidences = new List<double>();
        for (var seed = 1; seed <= Calls; seed++)
        {
            var random = new Random(seed);
            var (script, transcript) = RandomCall(random, seed);
            var call = await audio.Generator.GenerateAsync(script);
            var activity = await audio.AnalyzeAsync(audio.Silero, call.Path);
            Assert.Equal(2, activity.Channels.Count);

            var late = LateTranscript(transcript, call, random);
            var decision = ChannelDetector.Decide(activity.Channels[0], activity.Channels[1], late, null);
            confidences.Add(decision.Confidence);
            if (decision.AgentChannel == script.AgentChannel && decision.Rule == ChannelRules.TranscriptOverlap)
            {
                overlapCorrect++;
            }
            else
            {
                failures.Add($"seed {seed}: agent on {script.AgentChannel}, decided {decision}");
            }

            // The same call with an untimed transcript falls back to who speaks first.
            var untimed = late.Select(e => e with { StartTime = null, EndTime = null }).ToList();
            var fallback = ChannelDetector.Decide(activity.Channels[0], activity.Channels[1], untimed, null);
            firstSpeakerCalls++;
            firstSpeakerCorrect += fallback.AgentChannel == script.AgentChannel ? 1 : 0;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"transcript_overlap: {overlapCorrect}/{Calls} correct ({100.0 * overlapCorrect / Calls:0.#}%), median confidence {confidences.Order().ElementAt(Calls / 2):0.00}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first_speaker (untimed transcript): {firstSpeakerCorrect}/{firstSpeakerCalls} correct ({100.0 * firstSpeakerCorrect / firstSpeakerCalls:0.#}%)"));
        failures.ForEach(output.WriteLine);
        Assert.True(overlapCorrect >= 0.98 * Calls, string.Join("\n", failures));
        Assert.True(firstSpeakerCorrect >= 0.9 * firstSpeakerCalls, $"first speaker right on {firstSpeakerCorrect}/{firstSpeakerCalls}");
    }

    /// <summary>
    /// A call of 6–10 turns: turn lengths 0.6–4 s, gaps 0.2–1.5 s, one in four replies cutting in before the other
    /// party finished, the caller first in one call in five; cross-talk up to -20 dB, the parties 0–10 dB apart, noise
    /// up to -34 dBFS, wav/mp3/ogg at 8–48 kHz, the agent on either channel.
    /// </summary>
    private static (CallScript Script, List<(Party Party, int Turn)> Order) RandomCall(Random random, int seed)
    {
        var turns = new List<ScriptTurn>();
        var order = new List<(Party, int)>();
        var party = random.NextDouble() < 0.2 ? Party.Caller : Party.Agent;
        var time = 0.3 + random.NextDouble();
        var count = random.Next(6, 11);
        for (var i = 0; i < count; i++)
        {
            var length = 0.6 + random.NextDouble() * 3.4;
            turns.Add(ScriptTurn.Talk(party, Math.Round(time, 2), Math.Round(length, 2)));
            order.Add((party, i));
            var cutsIn = i > 0 && random.NextDouble() < 0.25;
            time += cutsIn ? length * (0.5 + 0.3 * random.NextDouble()) : length + 0.2 + random.NextDouble() * 1.3;
            party = party == Party.Agent ? Party.Caller : Party.Agent;
        }
        var script = new CallScript
        {
            Turns = turns,
            AgentChannel = random.Next(2),
            CrossTalk = random.NextDouble() < 0.5 ? 0 : random.NextDouble() * 0.1,
            AgentGain = 0.5 + random.NextDouble(),
            CallerGain = 0.3 + random.NextDouble(),
            NoiseAmplitude = random.NextDouble() < 0.3 ? 0 : random.NextDouble() * 0.04,
            Container = (AudioContainer)random.Next(3),
            SampleRate = new[] { 8000, 16000, 44100, 48000 }[random.Next(4)],
            Seed = seed,
        };
        return (script, order);
    }

    /// <summary>
    /// The transcript a provider would send: one turn per scripted turn, timed from the true speech but 0–0.8 s late
    /// overall and ±0.15 s jittered per edge.
    /// </summary>
    private static List<TranscriptEntry> LateTranscript(List<(Party Party, int Turn)> order, GeneratedCall call, Random random)
    {
        var lateness = random.NextDouble() * 0.8;
        var next = new Dictionary<Party, int> { [Party.Agent] = 0, [Party.Caller] = 0 };
        var entries = new List<TranscriptEntry>();
        foreach (var (party, _) in order)
        {
            var segments = call.Speaking(party);
            if (next[party] >= segments.Count)
            {
                continue; // turns that ran together count as one segment of the truth
            }
            var truth = segments[next[party]++];
            entries.Add(new TranscriptEntry
            {
                Role = party == Party.Agent ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent,
                Content = "words",
                StartTime = Math.Round(truth.Start + lateness + Jitter(random), 3),
                EndTime = Math.Round(truth.End + lateness + Jitter(random), 3),
            });
        }
        return entries.OrderBy(e => e.StartTime).ToList();
    }

    private static double Jitter(Random random) => (random.NextDouble() - 0.5) * 0.3;
}
