using System.Text.Json;
using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Transcripts;

/// <summary>Finds the parser for a <c>transcript_type</c>; formats are added in <see cref="Providers.TranscriptProviders"/>.</summary>
public sealed class TranscriptParsers(IEnumerable<ITranscriptParser> parsers)
{
    private readonly Dictionary<string, ITranscriptParser> _byType =
        parsers.SelectMany(p => p.Types.Select(t => (t, p))).ToDictionary(x => x.t, x => x.p, StringComparer.Ordinal);

    public bool Supports(string transcriptType) => _byType.ContainsKey(transcriptType);

    public IReadOnlyList<TranscriptEntry> Parse(string transcriptType, JsonElement transcript, TranscriptContext? context = null) =>
        ParseWithAgent(transcript, transcriptType, context).Entries;

    public ParsedTranscript ParseWithAgent(JsonElement transcript, string transcriptType, TranscriptContext? context = null)
    {
        var parsed = _byType[transcriptType].ParseWithAgent(transcript, (context ?? TranscriptContext.None) with { TranscriptType = transcriptType });
        if (!parsed.Entries.Any(e => e.IsSpeech))
        {
            throw new TranscriptFormatException(
                $"the transcript has no speech turn: at least one '{TranscriptRoles.MainAgent}' or '{TranscriptRoles.TestingAgent}' entry is required");
        }
        return parsed;
    }
}
