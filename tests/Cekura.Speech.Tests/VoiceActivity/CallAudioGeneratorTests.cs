using Cekura.TestSupport.Audio;

namespace Cekura.Speech.Tests.VoiceActivity;

[Collection(SpeechAudioCollection.Name)]
public sealed class CallAudioGeneratorTests(SpeechAudioFixture audio)
{
    [Fact]
    public async Task The_same_script_gives_the_same_file_and_truth()
    {
        var script = new CallScript
        {
            Turns = [ScriptTurn.Say(Party.Agent, 0.3, "Good morning."), ScriptTurn.Talk(Party.Caller, 1.8, 1.5)],
            NoiseAmplitude = 0.01, CrossTalk = 0.05, Container = AudioContainer.Mp3, Seed = 42,
        };

        var first = await audio.Generator.GenerateAsync(script);
        var second = await audio.Generator.GenerateAsync(script);

        Assert.NotEqual(first.Path, second.Path);
        Assert.Equal(await File.ReadAllBytesAsync(first.Path), await File.ReadAllBytesAsync(second.Path));
        Assert.Equal(first.AgentSpeaking, second.AgentSpeaking);
        Assert.Equal(first.CallerSpeaking, second.CallerSpeaking);
    }

    [Fact]
    public async Task Truth_places_each_party_at_its_turns_and_a_duration_turn_lasts_its_duration()
    {
        var call = await audio.Generator.GenerateAsync(new CallScript
        {
            Turns = [ScriptTurn.Say(Party.Agent, 0.5, "Good morning."), ScriptTurn.Talk(Party.Caller, 2.5, 1.5)],
            Layout = CallLayout.Mono,
        });

        var agent = Assert.Single(call.AgentSpeaking);
        var caller = Assert.Single(call.CallerSpeaking);
        Assert.InRange(agent.Start, 0.5, 0.6);
        Assert.InRange(agent.End, agent.Start + 0.5, 2.5);
        Assert.InRange(caller.Start, 2.5, 2.6);
        Assert.InRange(caller.End, 3.8, 4.0);
        Assert.Equal(5.0, call.DurationSeconds, 0.01);
    }
}
