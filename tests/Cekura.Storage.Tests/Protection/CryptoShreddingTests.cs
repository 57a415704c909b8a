using System.Text;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage.Blobs;
using Cekura.Hosting.Storage.Protection;
using Cekura.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cekura.Storage.Tests.Protection;

/// <summary>
/// Crypto-shredding on the SQLite stores and the local blob store: a sealed call's transcript and recording never
/// reach the files in the clear, and once the key is destroyed nothing in any file (database, WAL, key store, blob
/// directory) opens again.
/// </summary>
public sealed class CryptoShreddingTests : IAsyncLifetime
{
    private const string Card = "4111 1111 1111 1111";
    private readonly string _dir = Directory.CreateTempSubdirectory("cekura-shred-").FullName;
    private SqliteDataKeyStore _keys = null!;
    private SealingCallStore _calls = null!;
    private SealingBlobStore _blobs = null!;

    public Task InitializeAsync()
    {
        _keys = new SqliteDataKeyStore(Path.Combine(_dir, "keys.db"));
        _calls = new SealingCallStore(new SqliteCallStore(new SqliteDatabase(Path.Combine(_dir, "calls.db"))), _keys);
        _blobs = new SealingBlobStore(new LocalBlobStore(Path.Combine(_dir, "blobs")), _keys);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_sealed_call_is_stored_as_ciphertext_and_read_back_in_the_clear()
    {
        var keyId = await _keys.CreateAsync(CancellationToken.None);

        var stored = await _calls.InsertAsync(Call(keyId, $"my card is {Card}"), CancellationToken.None);
        var read = await _calls.GetAsync(stored.ProjectId, stored.Id, CancellationToken.None);

        Assert.Equal($"my card is {Card}", read!.TranscriptObject[0].Content);
        Assert.Null(read.SealedTranscript);
        Assert.Empty(FilesContaining(Card));
    }

    [Fact]
    public async Task After_redaction_and_key_destruction_no_file_holds_the_original_and_the_old_ciphertext_is_dead()
    {
        var keyId = await _keys.CreateAsync(CancellationToken.None);
        var stored = await _calls.InsertAsync(Call(keyId, $"my card is {Card}"), CancellationToken.None);
        var raw = new SqliteCallStore(new SqliteDatabase(Path.Combine(_dir, "calls.db")));
        var sealedRow = (await raw.GetAsync(stored.ProjectId, stored.Id, CancellationToken.None))!;
        Assert.Empty(sealedRow.TranscriptObject);
        var blobKey = SealedBlobKeys.For(keyId, "recordings/1/a.wav");
        await _blobs.PutAsync(blobKey, new MemoryStream(Encoding.UTF8.GetBytes($"audio saying {Card}")), 32, "audio/wav", CancellationToken.None);
        await using (var audio = await _blobs.OpenReadAsync(blobKey, CancellationToken.None))
        {
            Assert.Contains(Card, await new StreamReader(audio!).ReadToEndAsync());
        }

        // What the redaction stage does: write the redacted version in the clear, then destroy the key.
        var current = (await _calls.GetAsync(stored.ProjectId, stored.Id, CancellationToken.None))!;
        var redacted = current with
        {
            TranscriptObject = [current.TranscriptObject[0] with { Content = "my card is <CREDIT_CARD>" }],
            DataKeyId = null,
        };
        Assert.NotNull(await _calls.ReplaceAsync(redacted, CancellationToken.None));
        await _keys.DestroyAsync(keyId, CancellationToken.None);

        Assert.Equal("my card is <CREDIT_CARD>", (await _calls.GetAsync(stored.ProjectId, stored.Id, CancellationToken.None))!.TranscriptObject[0].Content);
        Assert.Null(await _keys.GetAsync(keyId, CancellationToken.None));
        Assert.Empty(FilesContaining(Card));
        await Assert.ThrowsAsync<SealedDataUnavailableException>(() => _blobs.OpenReadAsync(blobKey, CancellationToken.None));
        // The old ciphertext may linger in freed pages or a backup: restored, it opens to nothing.
        var current2 = (await raw.GetAsync(stored.ProjectId, stored.Id, CancellationToken.None))!;
        await raw.ReplaceAsync(sealedRow with { Version = current2.Version }, CancellationToken.None);
        var restored = (await _calls.GetAsync(stored.ProjectId, stored.Id, CancellationToken.None))!;
        Assert.Empty(restored.TranscriptObject);
        Assert.NotNull(restored.SealedTranscript);
    }

    [Fact]
    public async Task A_destroyed_key_leaves_no_copy_of_its_bytes_in_the_key_files()
    {
        var keyId = await _keys.CreateAsync(CancellationToken.None);
        var key = (await _keys.GetAsync(keyId, CancellationToken.None))!;
        Assert.NotEmpty(FilesContaining(key));

        await _keys.DestroyAsync(keyId, CancellationToken.None);

        Assert.Empty(FilesContaining(key));
    }

    [Fact]
    public async Task Deleting_a_sealed_call_destroys_its_key()
    {
        var keyId = await _keys.CreateAsync(CancellationToken.None);
        var stored = await _calls.InsertAsync(Call(keyId, "hello"), CancellationToken.None);

        Assert.True(await _calls.DeleteAsync(stored.ProjectId, stored.Id, CancellationToken.None));

        Assert.Null(await _keys.GetAsync(keyId, CancellationToken.None));
    }

    private static CallLog Call(string keyId, string content) => SampleData.FullCall() with
    {
        DataKeyId = keyId,
        RedactFields = ["credit_card"],
        TranscriptObject = [new TranscriptEntry { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = 1, EndTime = 3 }],
    };

    private List<string> FilesContaining(string text) => FilesContaining(Encoding.UTF8.GetBytes(text));

    private List<string> FilesContaining(byte[] needle) =>
        Directory.GetFiles(_dir, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)
            .ToList();
}
