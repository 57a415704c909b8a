using System.Security.Cryptography;
using System.Text;

namespace Cekura.Ingest.Webhooks;

/// <summary>What the providers' signing schemes share; each scheme itself sits with its provider's webhook.</summary>
public static class WebhookSignatures
{
    public static string Hmac(string secret, byte[] message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));

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
