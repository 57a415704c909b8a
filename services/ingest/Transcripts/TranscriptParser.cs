using System.Text.Json;
using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Transcripts;

/// <summary>
/// The shared core of every provider's parser: the entry loop with its per-entry problems, the cap on how many
/// problems a rejection lists, and the "this looks like another provider's transcript" hint. A provider only says
/// where its entries are and what one entry means (<see cref="ReadTranscript(JsonElement)"/>).
/// </summary>
public abstract class TranscriptParser : ITranscriptParser
{
    /// <summary>
    /// Reads the item at <paramref name="index"/> into <paramref name="output"/>: nothing, one entry, or several (a turn
    /// and its tool calls), and its own problems into <paramref name="problems"/> without saying where (the loop does).
    /// </summary>
    protected delegate void EntryReader<T>(JsonElement item, int index, List<T> output, List<string> problems);

    public abstract IReadOnlyList<string> Types { get; }

    public IReadOnlyList<TranscriptEntry> Parse(JsonElement transcript) => ParseWithAgent(transcript, TranscriptContext.None).Entries;

    public IReadOnlyList<TranscriptEntry> Parse(JsonElement transcript, TranscriptContext context) => ParseWithAgent(transcript, context).Entries;

    /// <summary>
    /// Reads the transcript; a rejection, or a result with no speech at all, from a payload that is clearly another
    /// provider's says which <c>transcript_type</c> to use first: that is the one problem worth fixing.
    /// </summary>
    public ParsedTranscript ParseWithAgent(JsonElement transcript, TranscriptContext context)
    {
        ParsedTranscript parsed;
        try
        {
            parsed = ReadTranscript(transcript, context);
        }
        catch (TranscriptFormatException e) when (OtherFormat(transcript) is { } format)
        {
            throw new TranscriptFormatException(
                [LooksLike(format, context.TranscriptType ?? Types[0]), .. e.Problems.Take(TranscriptFormatException.MaxProblems - 1)]);
        }
        if (!parsed.Entries.Any(e => e.IsSpeech) && OtherFormat(transcript) is { } other)
        {
            throw new TranscriptFormatException(LooksLike(other, context.TranscriptType ?? Types[0]));
        }
        return parsed;
    }

    /// <exception cref="TranscriptFormatException">The transcript is not valid for this format.</exception>
    protected abstract IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript);

    /// <summary>Formats that use the request beside the transcript (Deepgram: who the agent is) override this one.</summary>
    protected virtual ParsedTranscript ReadTranscript(JsonElement transcript, TranscriptContext context) =>
        new(ReadTranscript(transcript), null);

    /// <summary>The first problem of a payload that looks like <paramref name="format"/> but was sent as <paramref name="sentAs"/>.</summary>
    protected virtual string LooksLike(string format, string sentAs) =>
        $"this looks like a {format} transcript, not {sentAs}: set transcript_type to \"{format}\"";

    /// <summary>
    /// The entry loop: reads each item of <paramref name="list"/>, keeps what an entry gives only when it has no problem,
    /// names each problem <c>{label} {index}</c>, and stops once <paramref name="problems"/> is full.
    /// </summary>
    protected static List<T> ReadEntries<T>(JsonElement list, TranscriptProblems problems, EntryReader<T> read, string label = "entry")
    {
        var output = new List<T>();
        var entryOutput = new List<T>();
        var entryProblems = new List<string>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            read(item, index, entryOutput, entryProblems);
            if (entryProblems.Count == 0)
            {
                output.AddRange(entryOutput);
            }
            else
            {
                problems.Add($"{label} {index}", entryProblems);
                if (problems.Full)
                {
                    break;
                }
            }
            entryOutput.Clear();
            entryProblems.Clear();
            index++;
        }
        return output;
    }

    private string? OtherFormat(JsonElement transcript) =>
        TranscriptFormatSniffer.Guess(transcript) is { } format && !Types.Contains(format) ? format : null;
}
