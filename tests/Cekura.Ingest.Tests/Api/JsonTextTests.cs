using System.Text;
using System.Text.Json;
using Cekura.Ingest.Api;

namespace Cekura.Ingest.Tests.Api;

/// <summary>
/// The one-pass check over raw bytes (<see cref="JsonText.IsPlain"/>) must never clear a value that the full walk
/// rejects; it may send a fine value to the walk (a paired surrogate escape), which then accepts it.
/// </summary>
public sealed class JsonTextTests
{
    private static JsonElement Parse(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    private static JsonElement Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static string Nested(int levels, string open = "[", string close = "]") =>
        string.Concat(Enumerable.Repeat(open, levels)) + "1" + string.Concat(Enumerable.Repeat(close, levels));

    [Theory]
    [InlineData("""{"a": "plain", "b": [1, 2, {"c": null}]}""")]
    [InlineData("""{"quote": "say \"hi\" \\ then ud800", "path": "C:\\ud800"}""")] // escaped backslashes, not escapes
    [InlineData("""{"emoji": "\ud83d\ude00"}""")] // a paired surrogate escape: the walk reads it
    [InlineData("""["brackets in text: [[[[{{{{", "\u00e9"]""")]
    public void Readable_values_are_accepted(string json) => Assert.Null(JsonText.Problem(Parse(json)));

    [Fact]
    public void Each_problem_is_found_and_named()
    {
        Assert.Equal("The text at a[1] is not valid UTF-8 (invalid bytes, or an unpaired surrogate escape such as \\ud800).",
            JsonText.Problem(Parse("""{"a": ["ok", "x\udc00"]}""")));
        var invalidByte = Encoding.UTF8.GetBytes("""{"a": "x"}""");
        invalidByte[7] = 0xFF;
        Assert.Equal("The text at a is not valid UTF-8 (invalid bytes, or an unpaired surrogate escape such as \\ud800).",
            JsonText.Problem(Parse(invalidByte)));
        Assert.Null(JsonText.Problem(Parse(Nested(32))));
        Assert.Equal("Nested too deeply: at most 32 levels of objects and arrays are accepted.", JsonText.Problem(Parse(Nested(33))));
        Assert.Null(JsonText.Problem(Parse($$"""{"a": {{Nested(31, "{\"b\": ", "}")}}}""")));
        Assert.NotNull(JsonText.Problem(Parse($$"""{"a": {{Nested(32, "{\"b\": ", "}")}}}""")));
    }

    [Fact]
    public void The_fast_pass_never_clears_what_the_walk_rejects()
    {
        var random = new RandomJson(20261201);
        string[] poison = ["\\ud800", "\\uDFFF", "\\ud83d\\ude00", "\\\\ud800", "\\\"", "[", "{", "\u00e9"];
        var (plain, walked) = (0, 0);
        for (var i = 0; i < 2000; i++)
        {
            var json = random.Value()?.ToJsonString() ?? "null";
            // Splice a troublesome piece into a string of the value, or nest it a random number of levels.
            var at = json.IndexOf('"', StringComparison.Ordinal);
            if (at >= 0 && random.Random.Next(2) == 0)
            {
                json = json.Insert(at + 1, poison[random.Random.Next(poison.Length)]);
            }
            var levels = random.Random.Next(0, 40);
            json = string.Concat(Enumerable.Repeat("[", levels)) + json + new string(']', levels);
            var bytes = Encoding.UTF8.GetBytes(json);
            if (at >= 0 && random.Random.Next(8) == 0)
            {
                bytes[levels + at + 1] = 0xC3; // a lead byte whose continuation is missing or wrong
            }
            JsonElement value;
            try
            {
                value = Parse(bytes);
            }
            catch (JsonException)
            {
                continue;
            }
            var fast = JsonText.IsPlain(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value));
            if (fast)
            {
                plain++;
                Assert.Null(JsonText.Walk(value));
            }
            else
            {
                walked++;
                Assert.Equal(JsonText.Walk(value), JsonText.Problem(value));
            }
        }
        // Both ways were taken, so the property said something about each.
        Assert.True(plain > 100 && walked > 100, $"plain {plain}, walked {walked}");
    }
}
