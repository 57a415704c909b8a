using System.Security.Cryptography;
using System.Text;

namespace Cekura.Gateway.ApiKeys;

/// <summary>Key format, generation and hashing. Only the SHA-256 of a key and its visible prefix are ever stored.</summary>
public static class ApiKeyHasher
{
    public const string LivePrefix = "ck_live_";

    /// <summary>Characters of a key kept in clear for lookup and for recognising a leaked key.</summary>
    public const int VisiblePrefixLength = 16;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate() => LivePrefix + RandomNumberGenerator.GetString(Alphabet, 40);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string HashHex(string key) => Convert.ToHexStringLower(Hash(key));

    public static string VisiblePrefix(string key) => key.Length <= VisiblePrefixLength ? key : key[..VisiblePrefixLength];

    /// <summary>Constant-time comparison, so response timing says nothing about how much of a hash matched.</summary>
    public static bool Matches(string presentedKey, string storedHashHex)
    {
        var stored = Convert.FromHexString(storedHashHex);
        return CryptographicOperations.FixedTimeEquals(Hash(presentedKey), stored);
    }
}
