using System.Text.Json;
using Cekura.Contracts;
using Cekura.Contracts.Calls;

namespace Cekura.Hosting.Storage.Protection;

/// <summary>
/// Seals the transcript of every call that carries a <see cref="CallLog.DataKeyId"/> before it reaches the store, and
/// opens it on the way out, so stages see plaintext while the store only ever holds ciphertext for such calls. Once
/// the redaction stage has saved the redacted transcript in the clear (clearing <c>DataKeyId</c>) and destroyed the
/// key, every earlier version left in the store's files is unreadable.
/// </summary>
public sealed class SealingCallStore(ICallStore inner, IDataKeyStore keys) : ICallStore
{
    public async Task<CallLog> InsertAsync(CallLog call, CancellationToken cancellationToken) =>
        (await OpenAsync(await inner.InsertAsync(await SealAsync(call, cancellationToken), cancellationToken), cancellationToken))!;

    public async Task<CallLog?> GetAsync(long projectId, long id, CancellationToken cancellationToken) =>
        await OpenAsync(await inner.GetAsync(projectId, id, cancellationToken), cancellationToken);

    public async Task<CallLog?> FindByCallIdAsync(long projectId, string callId, CancellationToken cancellationToken) =>
        await OpenAsync(await inner.FindByCallIdAsync(projectId, callId, cancellationToken), cancellationToken);

    public async Task<CallLog?> GetForWorkerAsync(long id, CancellationToken cancellationToken) =>
        await OpenAsync(await inner.GetForWorkerAsync(id, cancellationToken), cancellationToken);

    public async Task<CallLog?> ReplaceAsync(CallLog updated, CancellationToken cancellationToken) =>
        await OpenAsync(await inner.ReplaceAsync(await SealAsync(updated, cancellationToken), cancellationToken), cancellationToken);

    /// <summary>Deleting a call also destroys its data key, so a sealed copy in a backup dies with it.</summary>
    public async Task<bool> DeleteAsync(long projectId, long id, CancellationToken cancellationToken)
    {
        var call = await inner.GetAsync(projectId, id, cancellationToken);
        var deleted = await inner.DeleteAsync(projectId, id, cancellationToken);
        if (deleted && call?.DataKeyId is { } keyId)
        {
            await keys.DestroyAsync(keyId, cancellationToken);
        }
        return deleted;
    }

    public async Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken)
    {
        var page = await inner.ListAsync(query, cancellationToken);
        return page with { Items = await OpenAllAsync(page.Items, cancellationToken) };
    }

    public async Task<IReadOnlyList<CallLog>> ListDueRedeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await OpenAllAsync(await inner.ListDueRedeliveriesAsync(now, limit, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<CallLog>> ListByTraceIdAsync(long projectId, string traceId, int limit, CancellationToken cancellationToken) =>
        await OpenAllAsync(await inner.ListByTraceIdAsync(projectId, traceId, limit, cancellationToken), cancellationToken);

    private async Task<CallLog> SealAsync(CallLog call, CancellationToken cancellationToken)
    {
        if (call.DataKeyId is not { } keyId)
        {
            return call.SealedTranscript is null ? call : call with { SealedTranscript = null };
        }
        if (call.SealedTranscript is not null && call.TranscriptObject.Count == 0)
        {
            return call; // read while its key was gone: keep the ciphertext as it is
        }
        var key = await keys.GetAsync(keyId, cancellationToken)
            ?? throw new SealedDataUnavailableException($"call {call.Id}: its data key is gone, so its transcript cannot be sealed");
        var plaintext = JsonSerializer.Serialize(call.TranscriptObject, CekuraJson.Options);
        return call with { SealedTranscript = Seal.SealText(plaintext, key, keyId), TranscriptObject = [] };
    }

    private async Task<CallLog?> OpenAsync(CallLog? call, CancellationToken cancellationToken)
    {
        if (call is not { SealedTranscript: { } sealedText, DataKeyId: { } keyId })
        {
            return call;
        }
        var key = await keys.GetAsync(keyId, cancellationToken);
        if (key is null)
        {
            return call with { TranscriptObject = [] };
        }
        var transcript = JsonSerializer.Deserialize<List<TranscriptEntry>>(Seal.OpenText(sealedText, key, keyId), CekuraJson.Options)!;
        return call with { TranscriptObject = transcript, SealedTranscript = null };
    }

    private async Task<IReadOnlyList<CallLog>> OpenAllAsync(IReadOnlyList<CallLog> calls, CancellationToken cancellationToken)
    {
        var opened = new List<CallLog>(calls.Count);
        foreach (var call in calls)
        {
            opened.Add((await OpenAsync(call, cancellationToken))!);
        }
        return opened;
    }

    public Task<CallBacklog> CountBacklogAsync(CancellationToken cancellationToken) => inner.CountBacklogAsync(cancellationToken);
}
