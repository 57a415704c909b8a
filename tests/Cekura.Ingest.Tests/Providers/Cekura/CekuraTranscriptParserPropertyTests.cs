using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Cekura;

namespace Cekura.Ingest.Tests.Providers.Cekura;

public sealed class CekuraTranscriptParserPropertyTests
{
    private const int Cases = 4000;

    [Fact]
    public void Any_json_value_either_parses_or_is_a_transcript_format_error()
    {
        var parser = new CekuraTranscriptParser();
        var parsers = new TranscriptParsers([parser]);
        var random = new RandomJson(20240315);
        int parsed = 0, rejected = 0;
        for (var i = 0; i < Cases; i++)
        {
            var json = (random.Random.Next(2) == 0 ? random.Transcript() : random.Value())?.ToJsonString() ?? "null";
            using var document = JsonDocument.Parse(json);
            try
            {
                var entries = parser.Parse(document.RootElement);
                Assert.All(entries, e => Assert.Contains(e.Role, Contracts.Calls.TranscriptRoles.All));
                Assert.All(entries, e => Assert.False(e.StartTime < 0 || e.EndTime < 0 || e.EndTime < e.StartTime, json));
                parsers.Parse("cekura", document.RootElement);
                parsed++;
            }
            catch (TranscriptFormatException e)
            {
                Assert.NotEmpty(e.Problems);
                Assert.True(e.Problems.Count <= 20, json);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i}: {e.GetType().Name}: {e.Message}\n{json}");
            }
        }
        // The generator must reach both outcomes, or the property says little.
        Assert.True(parsed > 50, $"only {parsed} transcripts parsed");
        Assert.True(rejected > 50, $"only {rejected} transcripts rejected");
    }

    [Fact]
    public void Deeply_nested_values_inside_entries_are_harmless()
    {
        var nested = new JsonArray();
        JsonNode inner = nested;
        for (var i = 0; i < 50; i++)
        {
            var next = new JsonArray();
            ((JsonArray)inner).Add(next);
            inner = next;
        }
        var transcript = new JsonArray(
            new JsonObject { ["role"] = "Main Agent", ["content"] = "Hi" },
            new JsonObject { ["role"] = "Function Call", ["data"] = new JsonObject { ["id"] = "1", ["name"] = "f", ["arguments"] = nested } });
        using var document = JsonDocument.Parse(transcript.ToJsonString());

        var entries = new CekuraTranscriptParser().Parse(document.RootElement);

        Assert.StartsWith("[[[", entries[1].Data!.Arguments);
    }
}
