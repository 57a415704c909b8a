namespace Cekura.Ingest.Transcripts;

/// <summary>Every <c>transcript_type</c> the API names (send-calls.md).</summary>
public static class TranscriptTypes
{
    public const string Cekura = "cekura";
    public const string Vocera = "vocera";
    public const string NoneMono = "none-mono";

    public static readonly IReadOnlyList<string> All =
        [Cekura, Vocera, "vapi", "retell", "elevenlabs", "livekit", "pipecat", "deepgram", NoneMono];
}
