using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>Which blob keys stored calls point to; one subclass per store.</summary>
public abstract class RecordingReferencesContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected ICallStore Calls { get; private set; } = null!;
    protected IRecordingReferences References { get; private set; } = null!;

    protected abstract Task<(ICallStore Calls, IRecordingReferences References)> OpenStoresAsync();

    protected abstract Task CloseStoresAsync();

    public async Task InitializeAsync() => (Calls, References) = await OpenStoresAsync();

    public Task DisposeAsync() => CloseStoresAsync();

    [SkippableFact]
    public async Task Only_keys_a_stored_call_names_as_its_recording_are_referenced()
    {
        var plain = await Calls.InsertAsync(WithRecording("recordings/1/a.wav"), Ct);
        await Calls.InsertAsync(WithRecording("sealed/k1/recordings/1/b.wav"), Ct);
        // An original owed deletion is no longer the call's recording: it is not a reference.
        await Calls.InsertAsync(WithRecording("recordings/1/3-redacted.wav") with { PendingRecordingDeletion = "recordings/1/c.wav" }, Ct);
        await Calls.InsertAsync(MinimalCall(), Ct);

        var keys = new[] { "recordings/1/a.wav", "sealed/k1/recordings/1/b.wav", "recordings/1/3-redacted.wav", "recordings/1/c.wav", "recordings/1/none.wav" };
        var referenced = await References.FindReferencedAsync(keys, Ct);

        Assert.Equal(["recordings/1/3-redacted.wav", "recordings/1/a.wav", "sealed/k1/recordings/1/b.wav"], referenced.Order(StringComparer.Ordinal));
        Assert.Empty(await References.FindReferencedAsync([], Ct));

        // A call pointing elsewhere (its recording redacted) or deleted references its old key no more.
        await Calls.ReplaceAsync(plain with { Recording = plain.Recording! with { BlobKey = "recordings/1/1-redacted.wav" } }, Ct);
        Assert.DoesNotContain("recordings/1/a.wav", await References.FindReferencedAsync(keys, Ct));
    }

    [SkippableFact]
    public async Task Lookups_of_more_keys_than_one_query_holds_still_find_them_all()
    {
        var stored = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var key = $"recordings/1/stored-{i}.wav";
            await Calls.InsertAsync(WithRecording(key), Ct);
            stored.Add(key);
        }
        var keys = Enumerable.Range(0, 1200).Select(i => $"recordings/1/missing-{i}.wav").Concat(stored).ToList();

        Assert.Equal(stored, (await References.FindReferencedAsync(keys, Ct)).Order(StringComparer.Ordinal));
    }

    private static CallLog WithRecording(string blobKey) => MinimalCall() with
    {
        Recording = new CallRecording { BlobKey = blobKey, ContentType = "audio/wav", Format = "wav", SizeBytes = 10 },
    };
}
