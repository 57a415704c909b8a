using System.Globalization;

namespace Cekura.Hosting.Storage;

/// <summary>
/// How recordings are named in the blob store: an accepted recording under a key of its own (inside
/// <c>sealed/{data key id}/</c> while its call awaits redaction), and the redacted copy under a key fixed per call, so a
/// retried redaction overwrites its own earlier output.
/// </summary>
public static class RecordingBlobKeys
{
    /// <summary>Every recording key starts with this, or with <c>sealed/{data key id}/</c> followed by it.</summary>
    public const string Prefix = "recordings/";

    private const string RedactedSuffix = "-redacted";

    public static string New(long projectId, string extension) => $"{Prefix}{projectId}/{Guid.NewGuid():N}.{extension}";

    public static string Redacted(long projectId, long callLogId, string format) =>
        $"{Prefix}{projectId}/{callLogId}{RedactedSuffix}.{format}";

    /// <summary>The call log whose redacted copy <paramref name="key"/> is, or null when it is not such a key.</summary>
    public static long? RedactedCallLogId(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = key[Prefix.Length..].Split('/');
        if (parts.Length != 2)
        {
            return null;
        }
        var name = parts[1];
        var dot = name.LastIndexOf('.');
        var stem = dot < 0 ? name : name[..dot];
        return stem.EndsWith(RedactedSuffix, StringComparison.Ordinal)
               && long.TryParse(stem[..^RedactedSuffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
