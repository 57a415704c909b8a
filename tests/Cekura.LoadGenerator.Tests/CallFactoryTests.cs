using System.Buffers.Binary;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Providers;
using Cekura.LoadGenerator.Calls;

namespace Cekura.LoadGenerator.Tests;

public sealed class CallFactoryTests
{
    private static readonly LoadOptions Options = new() { Recordings = 0.25, MinTurns = 20, MaxTurns = 200, Seed = 3 };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_generated_transcript_parses_with_ingests_parser_into_its_turns(string format)
    {
        var conversation = Conversation.Generate(new Random(format.Length), 37);
        var json = TranscriptFormats.Write(format, conversation).ToJsonString();
        var parser = TranscriptProviders.All.Single(p => p.Parser.Types.Contains(format)).Parser;
        var entries = parser.Parse(JsonDocument.Parse(json).RootElement);
        var speech = entries.Where(e => e.Role is "Main Agent" or "Testing Agent").ToList();
        Assert.Equal(37, speech.Count);
        Assert.Equal("Main Agent", speech[0].Role);
        Assert.Equal("Testing Agent", speech[1].Role);
        Assert.Equal(conversation[5].Text, speech[5].Content);
        Assert.All(speech, e => Assert.NotNull(e.StartTime));
    }

    public static TheoryData<string> Formats() => new(TranscriptFormats.All);

    [Fact]
    public void The_pool_mixes_formats_lengths_and_a_share_of_recordings()
    {
        var pool = new CallFactory(Options).Pool(120);
        Assert.Equal(30, pool.Count(t => t.HasRecording));
        Assert.Equal(TranscriptFormats.All.Order(), pool.Select(t => t.Format).Distinct().Order());
        Assert.All(pool, t => Assert.InRange(t.Turns, 20, t.HasRecording ? CallFactory.MaxRecordedTurns : 200));
        Assert.True(pool.Max(t => t.Turns) > 150 && pool.Min(t => t.Turns) < 50, "turn counts should spread over 20-200");
    }

    [Fact]
    public async Task A_json_body_carries_the_call_id_it_is_given()
    {
        var template = new CallFactory(Options).Pool(8).First(t => !t.HasRecording);
        var body = await template.Body("run-7").ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Assert.Equal("run-7", json.RootElement.GetProperty("call_id").GetString());
        Assert.Equal(template.Format, json.RootElement.GetProperty("transcript_type").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("agent").GetInt64());
        Assert.Equal("application/json", template.Body("x").Headers.ContentType!.MediaType);
    }

    [Fact]
    public void A_recording_is_a_pcm_wav_as_long_as_its_conversation()
    {
        var conversation = Conversation.Generate(new Random(1), 20, secondsPerWord: 0.12, maxPause: 0.4);
        var wav = WavRecording.Generate(conversation, new Random(2));
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal("WAVE", System.Text.Encoding.ASCII.GetString(wav, 8, 4));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(20)));   // PCM
        Assert.Equal(WavRecording.SampleRate, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        var samples = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)) / 2;
        Assert.Equal(wav.Length - 44, samples * 2);
        Assert.Equal(conversation[^1].End + 0.5, (double)samples / WavRecording.SampleRate, 2);
        // Louder during a turn than in the pause after it: voice and silence, not a constant tone.
        double Rms(double from, double to)
        {
            var a = (int)(from * WavRecording.SampleRate);
            var b = (int)(to * WavRecording.SampleRate);
            double sum = 0;
            for (var i = a; i < b; i++) { var v = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + 2 * i)); sum += (double)v * v; }
            return Math.Sqrt(sum / (b - a));
        }
        Assert.True(Rms(conversation[0].Start, conversation[0].End) > 20 * Rms(conversation[^1].End + 0.1, conversation[^1].End + 0.5));
    }

    [Theory]
    [InlineData("mp3", "audio/mpeg")]
    [InlineData("ogg", "audio/ogg")]
    [InlineData("flac", "audio/flac")]
    public async Task Compressed_recordings_are_what_ingest_detects_them_as_and_are_sent_as_such(string format, string contentType)
    {
        var pool = new CallFactory(new LoadOptions { Recordings = 0.25, MinTurns = 20, MaxTurns = 200, Seed = 3, RecordingFormat = format }).Pool(8);

        var recorded = pool.Where(t => t.HasRecording).ToList();
        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, t => Assert.Equal((format, contentType),
            (Cekura.Ingest.Recordings.AudioFormat.Detect(t.Recording.AsSpan(0, Cekura.Ingest.Recordings.AudioFormat.HeaderLength))?.Format,
             Cekura.Ingest.Recordings.AudioFormat.Detect(t.Recording.AsSpan(0, Cekura.Ingest.Recordings.AudioFormat.HeaderLength))?.ContentType)));
        Assert.All(recorded, t => Assert.True(t.Recording!.Length > 1_000));
        var part = ((MultipartFormDataContent)recorded[0].Body("c-1")).Single(p => p.Headers.ContentDisposition?.Name?.Trim('"') == "voice_recording");
        Assert.Equal(contentType, part.Headers.ContentType?.MediaType);
        Assert.Equal($"call.{format}", part.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(recorded[0].Recording, await part.ReadAsByteArrayAsync());
    }

    [Fact]
    public void Options_name_every_problem()
    {
        var problems = new LoadOptions { Url = "ftp://x", Key = null, Plan = LoadPlan.Rate, Recordings = 2, Formats = "cekura,fax", RecordingFormat = "aiff" }.Problems();
        Assert.Contains(problems, p => p.Contains("--url"));
        Assert.Contains(problems, p => p.Contains("--key"));
        Assert.Contains(problems, p => p.Contains("--rate"));
        Assert.Contains(problems, p => p.Contains("--recordings"));
        Assert.Contains(problems, p => p.Contains("fax"));
        Assert.Contains(problems, p => p.Contains("--recording-format") && p.Contains("aiff"));
        Assert.Empty(new LoadOptions { Key = "k" }.Problems());
        var read = LoadOptions.Read(["--url", "http://h:1", "--key", "k", "--plan", "rate", "--rate", "12.5", "--half-duration", "30", "--noop", "false", "--recording-format", "mp3"]);
        Assert.Equal((LoadPlan.Rate, 12.5, 30.0, false, "mp3"), (read.Plan, read.Rate, read.HalfDuration, read.NoOp, read.RecordingFormat));
    }
}
