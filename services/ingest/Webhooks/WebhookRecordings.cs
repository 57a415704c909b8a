using Cekura.Contracts.Calls;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Ingest.Recordings;
using Cekura.Speech.Audio;

namespace Cekura.Ingest.Webhooks;

/// <summary>Attaches a recording that arrives after its call (ElevenLabs' post_call_audio) to the stored call.</summary>
public sealed class WebhookRecordings(
    ICallStore store, IBlobStore blobs, IAgentStore agents, CallLogWriter writer, RecordingVerifier verifier)
{
    /// <param name="signature">The request's signature check, already passed for the agents the request names; the stored call's agent is checked here.</param>
    public async Task<IResult> AttachAsync(
        Tenant tenant, WebhookEvent.RecordingForCall recording, WebhookSignatureCheck signature, CancellationToken cancellationToken)
    {
        if (await store.FindByCallIdAsync(tenant.ProjectId, recording.CallId, cancellationToken) is not { } call)
        {
            // Not 2xx on purpose: the provider retries, and by then the transcription webhook has created the call.
            return ApiErrors.Detail(StatusCodes.Status404NotFound,
                $"No call with call_id '{recording.CallId}' yet; the recording is attached once its transcript webhook has arrived.");
        }
        if (signature.Refusal(await agents.GetAsync(tenant.ProjectId, call.AgentId, cancellationToken)) is { } refusal)
        {
            return WebhookReceiver.Refused(refusal);
        }
        if (call.Recording is not null)
        {
            return Results.Json(new WebhookResult("duplicate", call.Id));
        }
        if (call.RedactFields.Count > 0 && call.DataKeyId is null)
        {
            // Its redaction already ran: audio arriving now would sit at rest unredacted.
            return ApiErrors.Detail(StatusCodes.Status409Conflict,
                $"Call '{recording.CallId}' was already redacted; a recording that arrives after redaction is not stored.");
        }
        if (AudioFormat.Detect(recording.Audio.AsSpan(0, Math.Min(recording.Audio.Length, AudioFormat.HeaderLength))) is not { } format)
        {
            return FullAudioError("The decoded bytes are not a recognised audio recording.");
        }
        // The webhook body, and so the audio, is already in memory; ffmpeg still needs a file to decode it from.
        VerifiedRecording? verified;
        string? problem;
        try
        {
            (verified, problem) = await verifier.SaveAndVerifyAsync(new MemoryStream(recording.Audio, writable: false), format, cancellationToken);
        }
        catch (AudioBusyException e)
        {
            // Not 2xx: the provider retries the delivery later, when a decoder is free.
            return ApiErrors.Busy($"The server is busy checking other recordings ({e.Message}); try again shortly.", e.Wait);
        }
        if (verified is null)
        {
            return FullAudioError($"The decoded bytes are not usable audio: {problem}.");
        }
        await using var _ = verified;

        var stored = await verified.StoreAsync(blobs, tenant.ProjectId, call.DataKeyId, cancellationToken);
        var updated = await writer.UpdateAsync(call, c => c.Recording is null ? c with { Recording = stored } : null, cancellationToken);
        if (updated is null)
        {
            // Another delivery attached it first; drop our copy.
            await blobs.DeleteAsync(stored.BlobKey, CancellationToken.None);
        }
        return Results.Json(new WebhookResult(updated is null ? "duplicate" : "recording_attached", call.Id));
    }

    private static IResult FullAudioError(string message)
    {
        var errors = new FieldErrors();
        errors.Add("data.full_audio", message);
        return ApiErrors.Fields(errors);
    }
}
