using System.Text.Json;
using Cekura.Contracts.Redaction;

namespace Cekura.Redaction.Tests.Quality;

public sealed record CorpusEntity(string Type, string Value);

/// <summary>One labelled utterance of <c>Corpus/*.jsonl</c> (format in <c>Corpus/README.md</c>).</summary>
public sealed record CorpusLine(string Source, string Text, IReadOnlyList<string>? Requested, IReadOnlyList<CorpusEntity> Entities)
{
    public IReadOnlySet<string> RequestedTypes => new HashSet<string>(Requested ?? RedactionEntities.All);
}

public static class Corpus
{
    /// <summary>Every line of every <c>Corpus/*.jsonl</c> copied beside the test assembly.</summary>
    /// <exception cref="InvalidDataException">A line is malformed, names an unknown type or a value not in its text.</exception>
    public static IReadOnlyList<CorpusLine> Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Corpus");
        var lines = new List<CorpusLine>();
        foreach (var file in Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var number = 0;
            foreach (var raw in File.ReadLines(file))
            {
                number++;
                if (string.IsNullOrWhiteSpace(raw))
                {
                    continue;
                }
                var source = $"{Path.GetFileName(file)}:{number}";
                lines.Add(Parse(source, raw));
            }
        }
        return lines;
    }

    private static CorpusLine Parse(string source, string raw)
    {
        using var json = JsonDocument.Parse(raw);
        var root = json.RootElement;
        var text = root.GetProperty("text").GetString() ?? throw new InvalidDataException($"{source}: text is null");
        IReadOnlyList<string>? requested = root.TryGetProperty("requested", out var r)
            ? r.EnumerateArray().Select(e => e.GetString()!).ToList()
            : null;
        var entities = root.TryGetProperty("entities", out var list)
            ? list.EnumerateArray().Select(e => new CorpusEntity(e.GetProperty("type").GetString()!, e.GetProperty("value").GetString()!)).ToList()
            : [];
        foreach (var name in (requested ?? []).Concat(entities.Select(e => e.Type)))
        {
            if (!RedactionEntities.IsKnown(name))
            {
                throw new InvalidDataException($"{source}: '{name}' is not one of the 29 entity types");
            }
        }
        foreach (var entity in entities.Where(e => !text.Contains(e.Value, StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"{source}: '{entity.Value}' does not occur in the text");
        }
        return new CorpusLine(source, text, requested, entities);
    }
}
