using Cekura.Contracts.Traces;
using Cekura.Hosting.Options;

namespace Cekura.Hosting.Storage.Traces;

/// <summary>The per-span caps every trace store applies before writing: attribute count and value length.</summary>
public static class AgentSpanCaps
{
    /// <summary>The span within <paramref name="limits"/>, and how many attributes were dropped from it.</summary>
    public static (AgentSpan Span, int DroppedAttributes) Apply(AgentSpan span, AgentTraceLimits limits)
    {
        var dropped = Math.Max(0, span.Attributes.Count - limits.MaxAttributesPerSpan);
        var needsCut = dropped > 0 || span.Attributes.Values.Any(v => TooLong(v, limits.MaxAttributeValueLength));
        if (!needsCut)
        {
            return (span, 0);
        }
        var kept = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in span.Attributes.Take(limits.MaxAttributesPerSpan))
        {
            kept[key] = Cut(value, limits.MaxAttributeValueLength);
        }
        return (span with { Attributes = kept }, dropped);
    }

    private static bool TooLong(object? value, int max) => value switch
    {
        string s => s.Length > max,
        IReadOnlyList<object?> items => items.Any(i => TooLong(i, max)),
        _ => false,
    };

    private static object? Cut(object? value, int max) => value switch
    {
        string s when s.Length > max => s[..max],
        IReadOnlyList<object?> items => items.Select(i => Cut(i, max)).ToList(),
        _ => value,
    };
}
