using System.Text.Json;
using Cekura.Ingest.Providers;

namespace Cekura.Ingest.Transcripts;

/// <summary>
/// Guesses which provider a transcript came from, so that a payload sent with the wrong <c>transcript_type</c>
/// gets an error that says which type to use. Each provider brings its own <see cref="FormatClues"/>: their matches are
/// tried in <see cref="TranscriptProviders.All"/> order, then their fallbacks.
/// </summary>
public static class TranscriptFormatSniffer
{
    private const int MaxDepth = 5;
    private const int MaxItemsPerArray = 50;

    /// <summary>The provider's first <c>transcript_type</c> (<c>cekura</c> for a Cekura/Vocera transcript), or null.</summary>
    public static string? Guess(JsonElement json)
    {
        var fields = new PayloadFields();
        Collect(json, 0, fields);
        var providers = TranscriptProviders.All;
        var match = providers.FirstOrDefault(p => p.Clues.Match(fields))
                    ?? providers.FirstOrDefault(p => p.Clues.Fallback?.Invoke(fields) == true);
        return match?.Parser.Types[0];
    }

    private static void Collect(JsonElement json, int depth, PayloadFields fields)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    fields.Keys.Add(property.Name);
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        fields.TextKeys.Add(property.Name);
                        if (property.Name == "type")
                        {
                            fields.TypeValues.Add(property.Value.GetString()!);
                        }
                        else if (property.Name == "role")
                        {
                            fields.Roles.Add(property.Value.GetString()!);
                        }
                    }
                    Collect(property.Value, depth + 1, fields);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray().Take(MaxItemsPerArray))
                {
                    Collect(item, depth + 1, fields);
                }
                break;
        }
    }
}
