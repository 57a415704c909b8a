using Cekura.Contracts.Redaction;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Text;

namespace Cekura.Redaction.Tests.Recognizers;

public sealed class StructuredRecognizersTests
{
    private static readonly string[] Pieces =
    [
        "one", "two", "oh", "o", "double", "triple", "dash", "dot", "plus", "hundred", "thousand", "and", "twenty",
        "nineteen", "fifteenth", "4111", "1", "22", "-", ".", ",", "...", " ", "  ", "(", ")", "+", "@", "at", "is",
        "my", "card", "social", "routing", "account number", "password is", "vin", "zip", "date of birth", "o'clock",
        "$", "dollars", "years old", "ages", "A", "b as in boy", "é", "\t", ":", "::", "/", "the", "14th", "pm",
    ];

    [Fact]
    public void Create_returns_a_recognizer_for_every_owned_type()
    {
        var types = StructuredRecognizers.Create().SelectMany(r => r.EntityTypes).ToHashSet();

        Assert.Equal(21, types.Count);
        Assert.All(types, t => Assert.True(RedactionEntities.IsKnown(t), t));
    }

    [Fact]
    public void Random_text_never_throws_and_every_span_lies_inside_the_text()
    {
        var random = new Random(29);
        var recognizers = StructuredRecognizers.Create();
        var context = new RecognizerContext(new HashSet<string>(RedactionEntities.All));
        for (var i = 0; i < 3000; i++)
        {
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, random.Next(1, 30)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            var normalized = SpokenNumbers.Normalize(text);
            for (var v = 0; v < normalized.View.Length; v++)
            {
                var (start, end) = normalized.ToOriginal(v, v + 1);
                Assert.True(0 <= start && start < end && end <= text.Length, text);
            }
            foreach (var span in recognizers.SelectMany(r => r.Find(text, context)))
            {
                Assert.True(span.Start >= 0 && span.Length > 0 && span.End <= text.Length, $"{span} in \"{text}\"");
            }
        }
    }

    [Fact]
    public void A_long_spoken_digit_read_out_is_analysed_and_every_finding_lies_inside_it()
    {
        // How fast is the benchmarks' business (tests/Cekura.Benchmarks redaction); here the long read-out must simply
        // be analysed to the end, with findings that lie inside the text.
        var recognizers = StructuredRecognizers.Create();
        var context = new RecognizerContext(new HashSet<string>(RedactionEntities.All));
        var text = "my number is " + string.Join(" ", Enumerable.Range(0, 2000).Select(i => "four one five eight six seven two three oh one".Split(' ')[i % 10]));

        var found = recognizers.SelectMany(r => r.Find(text, context)).ToList();

        Assert.NotEmpty(found);
        Assert.All(found, f => Assert.InRange(f.Start + f.Length, 1, text.Length));
    }
}
