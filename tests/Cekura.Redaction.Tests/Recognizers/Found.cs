using Cekura.Contracts.Redaction;
using Cekura.Redaction.Recognizers;

namespace Cekura.Redaction.Tests.Recognizers;

/// <summary>Runs one recognizer and returns what it found as (type, original text) pairs, in text order.</summary>
internal static class Found
{
    public static List<(string Type, string Value)> In(IPiiRecognizer recognizer, string text, string? region = null, params string[] requested)
    {
        var context = new RecognizerContext(new HashSet<string>(requested.Length > 0 ? requested : RedactionEntities.All), region);
        return recognizer.Find(text, context)
            .OrderBy(s => s.Start)
            .Select(s => (s.EntityType, text.Substring(s.Start, s.Length)))
            .ToList();
    }

    public static List<string> Values(IPiiRecognizer recognizer, string text, string type, string? region = null) =>
        In(recognizer, text, region).Where(f => f.Type == type).Select(f => f.Value).ToList();
}
