using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Tenancy;

/// <summary>
/// The token in an agent's webhook URLs, <c>/observability/v1/{provider}/observe/t/{token}/</c>, for providers that
/// cannot send an API key header: <c>ck_hook_</c> + 40 random letters and digits (238 bits). Ingest creates it and
/// the gateway resolves it; both know it only by its SHA-256, and its first 16 characters are kept to recognise it.
/// </summary>
public static class WebhookTokens
{
    public const string Prefix = "ck_hook_";

    /// <summary>Characters of a token kept in clear (the prefix and 8 random characters).</summary>
    public const int VisiblePrefixLength = 16;

    private const int RandomLength = 40;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    public static string HashHex(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string VisiblePrefix(string token) => token[..VisiblePrefixLength];

    /// <summary>Whether <paramref name="text"/> has a token's form: the cheap refusal before any lookup.</summary>
    public static bool IsWellFormed(string text) =>
        text.Length == Prefix.Length + RandomLength && text.StartsWith(Prefix, StringComparison.Ordinal)
        && !text.AsSpan(Prefix.Length).ContainsAnyExcept(Alphabet);

    /// <summary>The tokened webhook path of <paramref name="provider"/>.</summary>
    public static string Path(string provider, string token) => $"/observability/v1/{provider}/observe/t/{token}/";

    /// <summary>
    /// The token of a path shaped like <see cref="Path"/> (with or without its final slash; the literal segments in
    /// any letter case, as routing matches them), whatever the token looks like; false for any other path.
    /// </summary>
    public static bool TryRead(PathString path, [NotNullWhen(true)] out string? token)
    {
        token = null;
        var value = path.Value ?? "";
        var segments = (value.EndsWith('/') ? value[..^1] : value).Split('/');
        if (segments.Length != 7 || segments[0] != "" || !Literal(segments[1], "observability") || !Literal(segments[2], "v1")
            || segments[3] == "" || !Literal(segments[4], "observe") || !Literal(segments[5], "t") || segments[6] == "")
        {
            return false;
        }
        token = segments[6];
        return true;
    }

    private static bool Literal(string segment, string expected) => segment.Equals(expected, StringComparison.OrdinalIgnoreCase);
}
