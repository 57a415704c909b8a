using Cekura.Ingest.Providers;

namespace Cekura.Ingest.Transcripts;

/// <summary>Every <c>transcript_type</c> the API names (send-calls.md): each provider's, then <c>none-mono</c>.</summary>
public static class TranscriptTypes
{
    public const string Cekura = "cekura";
    public const string Vocera = "vocera";
    public const string NoneMono = "none-mono";

    public static readonly IReadOnlyList<string> All = [.. TranscriptProviders.All.SelectMany(p => p.Parser.Types), NoneMono];
}
