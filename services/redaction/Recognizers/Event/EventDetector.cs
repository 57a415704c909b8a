using Cekura.Redaction.Recognizers.Lexicons;

namespace Cekura.Redaction.Recognizers.Event;

/// <summary>
/// Personal events that date or place someone ("my sister's wedding", "a birthday party", "the sales conference").
/// An event noun needs a determiner or a possessive before it, or a qualifier that makes a generic noun an event
/// ("party" alone is also "third party"); words that make it equipment ("conference call", "party line") cancel it.
/// </summary>
internal sealed class EventDetector : IFreeTextDetector
{
    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal)
    {
        "my", "our", "his", "her", "their", "your", "the", "a", "an", "this", "that", "next", "last", "upcoming", "for",
        "at", "to", "attending", "annual",
    };

    private static readonly HashSet<string> NotAnEvent = new(StringComparer.Ordinal)
    {
        "call", "calls", "room", "rooms", "line", "bridge", "center", "centre", "id", "number", "code", "pin", "mode",
        "table", "link", "system", "speaker", "phone", "planner", "dress", "ring", "rings", "band", "bands", "cake",
        "invitation", "invitations", "gift", "gifts", "photos", "pictures", "card", "cards", "tickets", "ticket",
        "ware", "supplies", "favors", "size", "plan", "plans", "policy", "package", "account",
    };

    public string EntityType => "event";

    public void Find(TokenizedText text, LexiconSet lexicons, List<PiiSpan> found)
    {
        for (var i = 0; i < text.Count; i++)
        {
            // Qualifiers first ("birthday party"), then the event noun.
            var start = i;
            var at = i;
            while (at < text.Count && at - start < 3 && lexicons.EventQualifiers.Contains(text[at].Lower) && (at == start || text.Adjacent(at)))
            {
                at++;
            }
            PhraseMatch<bool> match;
            if (at >= text.Count || at > start && !text.Adjacent(at) || !lexicons.Events.TryMatch(text, at, out match))
            {
                // A qualifier that is itself an event ("my graduation", "our anniversary").
                at = start;
                if (!lexicons.Events.TryMatch(text, at, out match))
                {
                    continue;
                }
            }
            var qualified = at > start;
            // A named event takes the capitalised words before it: "the Boston Marathon", "the Rose Parade".
            while (start > 0 && text[at].Capitalized && text.CapitalsMeanSomething && text.Adjacent(start)
                   && text[start - 1].Capitalized && !text[start - 1].SentenceStart && !LexiconSet.FunctionWords.Contains(text[start - 1].Lower))
            {
                start--;
            }
            var end = at + match.Count - 1;
            var owner = start > 0 && text.Adjacent(start) && (Determiners.Contains(text[start - 1].Lower) || text[start - 1].Base != text[start - 1].Lower);
            var named = text[at].Capitalized && text.CapitalsMeanSomething && !text[at].SentenceStart;
            var equipment = text[end].Base == text[end].Lower && end + 1 < text.Count && text.Adjacent(end + 1) && NotAnEvent.Contains(text[end + 1].Lower);
            var complete = match.Value || qualified;
            if (complete && (owner || qualified || named) && !equipment && !(text[at].Lower is "wake" && !owner))
            {
                found.Add(new PiiSpan(text[start].Start, match.End - text[start].Start, EntityType,
                    owner || qualified ? Confidence.WeakCue : Confidence.Lexicon, nameof(EventDetector)));
                i = end;
            }
        }
    }
}
