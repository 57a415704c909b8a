using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cekura.Hosting.Storage.Protection;

/// <summary>
/// AES-256-GCM sealing of small values and of streams. Streams are sealed in chunks, each with its own nonce and
/// tag, and each chunk's associated data binds the key id, its index and whether it is the last, so chunks cannot
/// be reordered, dropped or the stream cut short without failing to open.
/// </summary>
public static class Seal
{
    public const int ChunkBytes = 1 << 20;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] StreamMagic = "CKS1"u8.ToArray();

    /// <summary>nonce | tag | ciphertext, base64.</summary>
    public static string SealText(string plaintext, byte[] key, string keyId)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + TagBytes + data.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(keyId));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="SealedDataUnavailableException">Wrong key or tampered data.</exception>
    public static string OpenText(string sealedText, byte[] key, string keyId)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        var plaintext = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes),
                plaintext, Encoding.UTF8.GetBytes(keyId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SealedDataUnavailableException("the sealed value does not open with this key");
        }
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>Seals <paramref name="source"/> into <paramref name="target"/>: magic, then per chunk its length, nonce, tag, ciphertext.</summary>
    public static async Task SealStreamAsync(Stream source, Stream target, byte[] key, string keyId, CancellationToken cancellationToken)
    {
        await target.WriteAsync(StreamMagic, cancellationToken);
        using var aes = new AesGcm(key, TagBytes);
        var current = new byte[ChunkBytes];
        var next = new byte[ChunkBytes];
        var currentLength = await source.ReadAtLeastAsync(current, ChunkBytes, throwOnEndOfStream: false, cancellationToken);
        var header = new byte[4 + NonceBytes + TagBytes];
        var cipher = new byte[ChunkBytes];
        for (long index = 0; ; index++)
        {
            // Read ahead one chunk to know whether this one is the last (it is bound into the tag).
            var nextLength = currentLength == ChunkBytes
                ? await source.ReadAtLeastAsync(next, ChunkBytes, throwOnEndOfStream: false, cancellationToken)
                : 0;
            var last = nextLength == 0;
            BinaryPrimitives.WriteInt32LittleEndian(header, currentLength);
            RandomNumberGenerator.Fill(header.AsSpan(4, NonceBytes));
            aes.Encrypt(header.AsSpan(4, NonceBytes), current.AsSpan(0, currentLength), cipher.AsSpan(0, currentLength),
                header.AsSpan(4 + NonceBytes, TagBytes), ChunkData(keyId, index, last));
            await target.WriteAsync(header, cancellationToken);
            await target.WriteAsync(cipher.AsMemory(0, currentLength), cancellationToken);
            if (last)
            {
                return;
            }
            (current, next, currentLength) = (next, current, nextLength);
        }
    }

    /// <exception cref="SealedDataUnavailableException">Wrong key, tampered, reordered or cut-short data.</exception>
    public static async Task OpenStreamAsync(Stream source, Stream target, byte[] key, string keyId, CancellationToken cancellationToken)
    {
        var magic = new byte[StreamMagic.Length];
        if (await source.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken) != magic.Length
            || !magic.AsSpan().SequenceEqual(StreamMagic))
        {
            throw new SealedDataUnavailableException("the object is not a sealed stream");
        }
        using var aes = new AesGcm(key, TagBytes);
        var header = new byte[4 + NonceBytes + TagBytes];
        var nextHeader = new byte[header.Length];
        var cipher = new byte[ChunkBytes];
        var plain = new byte[ChunkBytes];
        if (await source.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken) != header.Length)
        {
            throw new SealedDataUnavailableException("the sealed stream is cut short");
        }
        for (long index = 0; ; index++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length is < 0 or > ChunkBytes
                || await source.ReadAtLeastAsync(cipher.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken) != length)
            {
                throw new SealedDataUnavailableException("the sealed stream is cut short");
            }
            // Whether this chunk is the last is bound into its tag; the reader learns it by looking for another header.
            var following = await source.ReadAtLeastAsync(nextHeader, nextHeader.Length, throwOnEndOfStream: false, cancellationToken);
            if (following is > 0 and < 4 + NonceBytes + TagBytes)
            {
                throw new SealedDataUnavailableException("the sealed stream is cut short");
            }
            var last = following == 0;
            try
            {
                aes.Decrypt(header.AsSpan(4, NonceBytes), cipher.AsSpan(0, length), header.AsSpan(4 + NonceBytes, TagBytes),
                    plain.AsSpan(0, length), ChunkData(keyId, index, last));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new SealedDataUnavailableException("the sealed stream does not open with this key");
            }
            await target.WriteAsync(plain.AsMemory(0, length), cancellationToken);
            if (last)
            {
                return;
            }
            (header, nextHeader) = (nextHeader, header);
        }
    }

    private static byte[] ChunkData(string keyId, long index, bool last) =>
        Encoding.UTF8.GetBytes($"{keyId}|{index}|{(last ? 1 : 0)}");
}
