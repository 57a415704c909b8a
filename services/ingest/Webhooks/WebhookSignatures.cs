using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cekura.Ingest.Webhooks;

/// <summary>What the providers' signing schemes share; each scheme itself sits with its provider's webhook.</summary>
public static class WebhookSignatures
{
    public static string Hmac(string secret, byte[] message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));

    /// <summary>Vapi sends the configured server-URL secret verbatim in <c>X-Vapi-Secret</c>.</summary>
    public static string? SharedSecret(string? presented, string secret) =>
        presented is not null && FixedTimeEquals(presented, secret) ? null : "X-Vapi-Secret is missing or wrong";

    /// <summary>
    /// Retell's <c>X-Retell-Signature: v=&lt;epoch ms&gt;,d=&lt;hex HMAC-SHA256(api key, body + epoch ms)&gt;</c>, accepted
    /// within five minutes of its timestamp (retell-python-sdk <c>lib/webhook_auth.py</c>).
    /// </summary>
    public static string? Retell(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
    {
        var parts = Parts(header);
        if (!parts.TryGetValue("v", out var stamp) || !parts.TryGetValue("d", out var digest)
            || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return "X-Retell-Signature is missing or not of the form v=<timestamp>,d=<digest>";
        }
        if (Math.Abs(now.ToUnixTimeMilliseconds() - ms) > TimeSpan.FromMinutes(5).TotalMilliseconds)
        {
            return "X-Retell-Signature timestamp is more than 5 minutes away";
        }
        var expected = Hmac(secret, body, Encoding.UTF8.GetBytes(stamp));
        return FixedTimeEquals(digest.ToLowerInvariant(), expected) ? null : "X-Retell-Signature does not match the body";
    }

    /// <summary>
    /// ElevenLabs' <c>ElevenLabs-Signature: t=&lt;epoch s&gt;,v0=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>, accepted within
    /// 30 minutes of its timestamp (ElevenLabs post-call webhook docs).
    /// </summary>
    public static string? ElevenLabs(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
    {
        var parts = Parts(header);
        if (!parts.TryGetValue("t", out var stamp) || !parts.TryGetValue("v0", out var digest)
            || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "ElevenLabs-Signature is missing or not of the form t=<timestamp>,v0=<digest>";
        }
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > TimeSpan.FromMinutes(30).TotalSeconds)
        {
            return "ElevenLabs-Signature timestamp is more than 30 minutes away";
        }
        var expected = Hmac(secret, Encoding.UTF8.GetBytes(stamp + "."), body);
        return FixedTimeEquals(digest.ToLowerInvariant(), expected) ? null : "ElevenLabs-Signature does not match the body";
    }

    /// <summary>Hex HMAC-SHA256 of <paramref name="first"/> followed by <paramref name="second"/>, without joining them in a copy.</summary>
    public static string Hmac(string secret, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(first);
        hmac.AppendData(second);
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>The <c>key=value</c> pairs of a comma-separated signature header (the first of a repeated key wins).</summary>
    public static Dictionary<string, string> Parts(string? header) =>
        (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    /// <summary>Compared in constant time, so response timing does not reveal how much of a guess was right.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
