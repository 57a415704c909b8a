using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Gateway.WebConsole;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The keys that seal console session cookies, encrypted at rest with <c>Console:DataProtectionCertificatePath</c>:
/// what lands in the key directory is ciphertext, a gateway with the same certificate reads sessions sealed by
/// another, and one without it cannot.
/// </summary>
public sealed class ConsoleKeyRingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cekura-keyring-" + Guid.NewGuid().ToString("N"));

    public ConsoleKeyRingTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string KeysDirectory => Path.Combine(_directory, "keys");

    private Dictionary<string, string?> Settings(string? certificate, string? password = null) => new()
    {
        ["Console:DataProtectionKeysDirectory"] = KeysDirectory,
        ["Console:DataProtectionCertificatePath"] = certificate,
        ["Console:DataProtectionCertificatePassword"] = password,
    };

    [Fact]
    public async Task Session_keys_are_written_encrypted_and_read_back_only_with_the_certificate()
    {
        var pfx = Path.Combine(_directory, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=cekura-console-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "s3cret"));
        }

        string cookie;
        await using (var first = new EmbeddedHost(Settings(pfx, "s3cret")))
        {
            cookie = await SignInAsync(first);
            Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(first, cookie));
        }

        var key = Assert.Single(Directory.GetFiles(KeysDirectory, "key-*.xml"));
        var xml = await File.ReadAllTextAsync(key);
        Assert.Contains("<encryptedSecret", xml);
        Assert.Contains("EncryptedData", xml);
        Assert.DoesNotContain("unencrypted form", xml);

        // Another gateway (or this one restarted) with the same directory and certificate: the session holds.
        await using (var second = new EmbeddedHost(Settings(pfx, "s3cret")))
        {
            Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(second, cookie));
        }
        // Without the certificate the stored key is unreadable, so the cookie it sealed is no session.
        await using (var without = new EmbeddedHost(Settings(null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(without, cookie));
        }
    }

    [Fact]
    public void A_certificate_the_keys_could_not_be_decrypted_with_stops_the_start_with_the_reason()
    {
        var missing = Path.Combine(_directory, "missing.pfx");
        Assert.Contains("no file at", Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.Load(missing, null)).Message);

        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=public-only", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var publicOnly = Path.Combine(_directory, "public.pem");
        File.WriteAllText(publicOnly, certificate.ExportCertificatePem());
        Assert.Contains("Console:DataProtectionCertificatePath", Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.Load(publicOnly, null)).Message);

        var pem = Path.Combine(_directory, "both.pem");
        File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem());
        Assert.True(KeyRingCertificate.Load(pem, null).HasPrivateKey);

        var wrongPassword = Path.Combine(_directory, "locked.pfx");
        File.WriteAllBytes(wrongPassword, certificate.Export(X509ContentType.Pkcs12, "right"));
        Assert.Contains("Console:DataProtectionCertificatePassword",
            Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.Load(wrongPassword, "wrong")).Message);

        var notRsa = Path.Combine(_directory, "ecdsa.pfx");
        using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            using var ec = new CertificateRequest("CN=ec", ecdsa, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(notRsa, ec.Export(X509ContentType.Pkcs12, (string?)null));
        }
        Assert.Contains("not an RSA certificate", Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.Load(notRsa, null)).Message);
    }

    [Fact]
    public void A_host_configured_with_an_unusable_certificate_does_not_start()
    {
        var missing = Path.Combine(_directory, "missing.pfx");
        using var host = new EmbeddedHost(Settings(missing));

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("Console:DataProtectionCertificatePath", error.ToString());
    }

    private static async Task<string> SignInAsync(EmbeddedHost host)
    {
        var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Content = JsonContent.Create(new { api_key = EmbeddedHost.ApiKey }) };
        request.Headers.Add("X-Cekura-Console", "1");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        return setCookie[..setCookie.IndexOf(';')];
    }

    private static async Task<HttpStatusCode> SessionStatusAsync(EmbeddedHost host, string cookie)
    {
        var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/session");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
