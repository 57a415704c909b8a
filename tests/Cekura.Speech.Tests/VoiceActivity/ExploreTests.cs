using Cekura.Contracts.Calls;
using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Cekura.Speech.VoiceActivity.Energy;
using Cekura.Speech.VoiceActivity.Silero;
using Cekura.TestSupport.Audio;
using Xunit.Abstractions;

namespace Cekura.Speech.Tests.VoiceActivity;

public sealed class ExploreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Explore()
    {
        using var generator = new CallAudioGenerator();
        ScriptTurn[] turns =
        [
            ScriptTurn.Say(Party.Agent, 0.5, "Hello, thanks for calling Acme support. How can I help you today?"),
            ScriptTurn.Say(Party.Caller, 5.5, "Hi. I would like to change my booking, please."),
            ScriptTurn.Say(Party.Agent, 9.0, "Of course. Can I have your reference number?"),
            ScriptTurn.Talk(Party.Caller, 12.5, 3.0),
            ScriptTurn.Say(Party.Agent, 16.2, "Thank you. One moment."),
            ScriptTurn.Say(Party.Caller, 18.6, "Sure, no problem at all."),
            ScriptTurn.Say(Party.Agent, 21.0, "Your booking is now moved to Friday the twelfth at six in the evening."),
            ScriptTurn.Say(Party.Caller, 26.0, "Great, thanks. Bye."),
        ];
        var scripts = new List<(string, CallScript)>
        {
            ("clean wav", new CallScript { Turns = turns }),
            ("noise mp3 8k", new CallScript { Turns = turns, NoiseAmplitude = 0.02, Container = AudioContainer.Mp3, SampleRate = 8000, AgentChannel = 1 }),
            ("xtalk ogg", new CallScript { Turns = turns, CrossTalk = 0.05, CallerGain = 0.4, Container = AudioContainer.Ogg, SampleRate = 44100, NoiseAmplitude = 0.01 }),
        };
        var ffmpeg = new Ffmpeg(new FfmpegOptions());
        using var silero = SileroVoiceActivityDetector.Load(null);
        var data = new List<(string Name, float[][] Probs, List<float[]>[] Wins, IReadOnlyList<SpeakingSegment>[] Truth, double Dur)>();
        foreach (var (name, script) in scripts)
        {
            var call = await generator.GenerateAsync(script);
            foreach (IVoiceActivityDetector det in new IVoiceActivityDetector[] { silero, new EnergyVoiceActivityDetector() })
            {
                var streams = new[] { det.CreateStream(), det.CreateStream() };
                var probs = new[] { new List<float>(), new List<float>() };
                var wins = new[] { new List<float[]>(), new List<float[]>() };
                var buf = new[] { new float[512], new float[512] };
                var filled = 0;
                var frames = await ffmpeg.DecodeAsync(call.Path, 16000, 2, block =>
                {
                    for (var f = 0; f < block.Length / 2; f++)
                    {
                        buf[0][filled] = block[2 * f]; buf[1][filled] = block[2 * f + 1];
                        if (++filled == 512) { filled = 0; for (var c = 0; c < 2; c++) { probs[c].Add(streams[c].Process(buf[c])); wins[c].Add((float[])buf[c].Clone()); } }
                    }
                }, default);
                var agentCh = script.AgentChannel;
                var truth = new IReadOnlyList<SpeakingSegment>[2];
                truth[agentCh] = call.AgentSpeaking; truth[1 - agentCh] = call.CallerSpeaking;
                data.Add(($"{name} {det.Name}", [probs[0].ToArray(), probs[1].ToArray()], wins, truth, frames / 16000.0));
            }
        }
        foreach (var (on, off) in new[] { (0.5, 0.35), (0.6, 0.45), (0.4, 0.3) })
        {
            output.WriteLine($"== onset {on} offset {off}");
            foreach (var d in data)
            {
                var errors = new List<double>();
                var mismatch = "";
                for (var c = 0; c < 2; c++)
                {
                    var seg = new SpeechSegmenter(new VoiceActivityOptions { OnsetThreshold = on, OffsetThreshold = off });
                    for (var w = 0; w < d.Probs[c].Length; w++) seg.Push(d.Probs[c][w], d.Wins[c][w]);
                    var found = seg.Finish(d.Dur);
                    if (found.Count != d.Truth[c].Count) { mismatch += $" ch{c}: {SegmentMatch.Show(d.Truth[c])} vs {SegmentMatch.Show(found)}"; continue; }
                    errors.AddRange(d.Truth[c].Zip(found).SelectMany(p => new[] { p.Second.Start - p.First.Start, p.Second.End - p.First.End }));
                }
                var starts = errors.Where((_, i) => i % 2 == 0).ToList();
                var ends = errors.Where((_, i) => i % 2 == 1).ToList();
                if (errors.Any(e => Math.Abs(e) > 0.05)) output.WriteLine("  big: " + string.Join(" ", errors.Select((e, i) => (e, i)).Where(x => Math.Abs(x.e) > 0.05).Select(x => $"#{x.i}:{x.e * 1000:0}")));
                output.WriteLine($"{d.Name,-22} start mean {starts.DefaultIfEmpty().Average() * 1000,5:0} max {starts.DefaultIfEmpty().Max(Math.Abs) * 1000,4:0} | end mean {ends.DefaultIfEmpty().Average() * 1000,5:0} max {ends.DefaultIfEmpty().Max(Math.Abs) * 1000,4:0} {mismatch}");
            }
        }
    }
}
