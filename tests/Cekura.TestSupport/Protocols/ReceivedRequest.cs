using System.Text.Json;

namespace Cekura.TestSupport.Protocols;

/// <summary>
/// What a <see cref="LocalProtocolServer"/> received, read in full before it answered. <see cref="Content"/> is the
/// uploaded <c>file</c> of a multipart form (how OpenAI's transcription endpoint takes audio), else the raw body (how
/// Deepgram and chat completions take theirs).
/// </summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string? Authorization,
    string? ContentType,
    IReadOnlyDictionary<string, string[]> FormFields,
    string? FileName,
    string? FileContentType,
    byte[] Content)
{
    private readonly JsonElement? _json = ParseIfJson(ContentType, Content);

    /// <summary>The JSON body; the server parsed it on arrival, so a malformed one was already answered with a 500.</summary>
    public JsonElement Json => _json ?? throw new InvalidOperationException($"The request body was {ContentType ?? "untyped"}, not JSON.");

    private static JsonElement? ParseIfJson(string? contentType, byte[] content)
    {
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        using var document = JsonDocument.Parse(content);
        return document.RootElement.Clone();
    }
}
