using Cekura.Redaction.Analysis;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Tests.Quality;

namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class FreeTextRecognizerTests
{
    private static readonly string[] FreeTextTypes =
        ["person_name", "location", "origin", "occupation", "medical_professional", "event", "physical_attribute", "gender_sexuality"];

    [Fact]
    public void Only_requested_types_are_returned()
    {
        var recognizer = LexiconRecognizers.Create().Single();

        var spans = recognizer.Find("My name is Sarah and I live in Denver.", new RecognizerContext(new HashSet<string> { "location" }));

        Assert.Equal(["location"], spans.Select(s => s.EntityType).Distinct());
    }

    [Fact]
    public void The_factory_covers_exactly_the_eight_free_text_types()
    {
        Assert.Equal(FreeTextTypes.Order(), LexiconRecognizers.Create().SelectMany(r => r.EntityTypes).Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("my name is")]
    [InlineData("I'm")]
    [InlineData("Dr.")]
    [InlineData("live in")]
    [InlineData("5'")]
    [InlineData("'s")]
    [InlineData("-- -- --")]
    [InlineData("my pronouns are")]
    [InlineData("i'm six foot")]
    [InlineData("i weigh")]
    [InlineData("42 Main")]
    [InlineData("a birthday")]
    [InlineData("I'm a")]
    public void Cut_off_utterances_give_spans_inside_the_text_and_no_exception(string text) =>
        AssertSpansInside(text);

    [Fact]
    public void Random_mixes_of_cue_words_give_spans_inside_the_text_and_no_exception()
    {
        string[] words =
        [
            "my", "name", "is", "i'm", "Dr.", "live", "in", "Austin", ",", "Texas", "a", "nurse", "wife", "'s", "six", "foot",
            "two", "brown", "hair", "pronouns", "are", "they", "/", "them", "Mexican", "-", "American", "wedding", "party",
            "here", "Will", "may", "42", "Main", "Street", "weigh", "pounds", "José", "\u2019", ".", "?", "\n", "my doctor's",
        ];
        var random = new Random(20261201);
        for (var n = 0; n < 2000; n++)
        {
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, random.Next(1, 12)).Select(_ => words[random.Next(words.Length)]));
            AssertSpansInside(text);
        }
    }

    private static readonly IPiiRecognizer Shared = LexiconRecognizers.Create().Single();

    private static void AssertSpansInside(string text)
    {
        var spans = Shared.Find(text, new RecognizerContext(new HashSet<string>(FreeTextTypes))).ToList();
        Assert.All(spans, s => Assert.True(s.Start >= 0 && s.Length > 0 && s.End <= text.Length, $"{s} outside \"{text}\""));
    }

    [Fact]
    public void Accented_text_is_matched_and_offsets_stay_in_the_original()
    {
        const string text = "Hola, my name is José Álvarez.";
        var span = FreeText.Spans(text, "person_name").Single();

        Assert.Equal("José Álvarez", text.Substring(span.Start, span.Length));
    }

    [Fact]
    public void Concurrent_first_use_loads_the_lexicons_once_and_gives_the_same_answers()
    {
        var recognizer = LexiconRecognizers.Create().Single();
        var context = new RecognizerContext(new HashSet<string>(FreeTextTypes));
        const string text = "hi my name is john smith, i'm a nurse in ohio";

        var results = Enumerable.Range(0, 8).AsParallel().Select(_ => recognizer.Find(text, context).Count()).ToList();

        Assert.All(results, r => Assert.Equal(3, r));
    }
}
