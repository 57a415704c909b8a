using System.Text.Json;
using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Transcripts;

/// <summary>Turns one provider's transcript into the canonical transcript. Plain C#: no I/O, no framework types.</summary>
public interface ITranscriptParser
{
    /// <summary>The <c>transcript_type</c> values this parser accepts.</summary>
    IReadOnlyList<string> Types { get; }

    /// <exception cref="TranscriptFormatException">The transcript is not valid for this format.</exception>
    IReadOnlyList<TranscriptEntry> Parse(JsonElement transcript);
}

/// <summary>A transcript rejected for its content; each message names the entry and the problem.</summary>
public sealed class TranscriptFormatException(IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public TranscriptFormatException(string problem) : this([problem])
    {
    }
}
