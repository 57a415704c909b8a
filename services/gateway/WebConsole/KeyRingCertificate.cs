using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cekura.Gateway.WebConsole;

/// <summary>
/// Loads the certificate that encrypts the console's Data Protection keys (<see cref="ConsoleOptions.DataProtectionCertificatePath"/>),
/// failing at start with what is wrong rather than writing keys nobody can decrypt.
/// </summary>
public static class KeyRingCertificate
{
    private const string Setting = "Console:DataProtectionCertificatePath";

    public static X509Certificate2 Load(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Setting}: no file at '{path}'.");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(path)
                ? string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"{Setting}: '{path}' is not a certificate with its private key this process can read " +
                $"(PKCS#12, or PEM holding both; check Console:DataProtectionCertificatePassword): {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{Setting}: '{path}' holds no private key; the keys it encrypts could never be read back.");
        }
        if (certificate.GetRSAPublicKey() is null)
        {
            // EncryptedXml, which Data Protection encrypts its keys with, takes RSA certificates only.
            throw new InvalidOperationException($"{Setting}: '{path}' is not an RSA certificate; Data Protection encrypts its keys with RSA only.");
        }
        return certificate;
    }

    private static bool IsPem(string path)
    {
        var head = new byte[64];
        using var file = File.OpenRead(path);
        var read = file.Read(head);
        return System.Text.Encoding.ASCII.GetString(head, 0, read).TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);
    }
}
