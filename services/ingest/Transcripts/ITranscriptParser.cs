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

    /// <summary>Formats whose speakers are indexed (Deepgram) use what the request says about the call.</summary>
    IReadOnlyList<TranscriptEntry> Parse(JsonElement transcript, TranscriptContext context) => Parse(transcript);

    /// <summary>The transcript and, for formats whose speakers are only indexed, which one is the agent and why.</summary>
    ParsedTranscript ParseWithAgent(JsonElement transcript, TranscriptContext context) => new(Parse(transcript, context), null);
}

/// <summary>A canonical transcript; <see cref="Agent"/> is set when the parser had to decide who the agent is.</summary>
public sealed record ParsedTranscript(IReadOnlyList<TranscriptEntry> Entries, AgentSpeaker? Agent);

/// <summary>The channel or speaker index taken as the agent, and the rule that decided it.</summary>
public sealed record AgentSpeaker(int Index, string Rule);

/// <summary>What the Send Calls request says beside the transcript that a parser may need.</summary>
public sealed record TranscriptContext
{
    public static readonly TranscriptContext None = new();

    /// <summary>The channel (or speaker) index of the agent, when the client gave <c>main_agent_channel_index</c>.</summary>
    public int? MainAgentChannelIndex { get; init; }

    /// <summary>The <c>transcript_type</c> as the client sent it (an alias such as <c>vocera</c> included), for error messages.</summary>
    public string? TranscriptType { get; init; }
}

/// <summary>A transcript rejected for its content; each message names the entry and the problem.</summary>
public sealed class TranscriptFormatException(IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    /// <summary>How many problems a rejection lists at most: enough to fix a transcript, short enough to read.</summary>
    public const int MaxProblems = 20;

    public IReadOnlyList<string> Problems { get; } = problems;

    public TranscriptFormatException(string problem) : this([problem])
    {
    }
}
