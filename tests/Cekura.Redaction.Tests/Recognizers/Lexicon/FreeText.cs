using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

/// <summary>One recognizer list for all lexicon tests: the lexicons load once per test run, as in the service.</summary>
internal static class FreeText
{
    private static readonly IReadOnlyList<IPiiRecognizer> Recognizers = LexiconRecognizers.Create();

    /// <summary>The spans of <paramref name="type"/> found in <paramref name="text"/>, as the substrings they cover.</summary>
    public static IReadOnlyList<string> Find(string text, string type) =>
        Spans(text, type).Select(s => text.Substring(s.Start, s.Length)).ToList();

    public static IReadOnlyList<PiiSpan> Spans(string text, string type) =>
        Recognizers.SelectMany(r => r.Find(text, new RecognizerContext(new HashSet<string> { type })))
            .Where(s => s.EntityType == type).OrderBy(s => s.Start).ToList();
}
