using Cekura.Contracts.Calls;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Cekura.Redaction.Audio;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Transcripts;
using Cekura.Redaction.Usage;
using Cekura.Speech.Audio;
using Microsoft.Extensions.Options;

namespace Cekura.Redaction;

/// <summary>
/// The redaction stage's work on one call: placeholders in the transcript, the matching audio masked into a new blob,
/// the usage metered. The unredacted recording is deleted only after the call points at the redacted one, and the
/// call carries <see cref="CallLog.PendingRecordingDeletion"/> until it is gone, so every step can be repeated after a
/// crash: the redacted blob's key is fixed per call (a retry overwrites it) and <see cref="FinishAsync"/> deletes what
/// is still owed.
/// </summary>
public sealed class CallRedactor(
    TranscriptRedactor transcripts, AudioMasker masker, IBlobStore blobs, IDataKeyStore keys, CallLogWriter writer, ICallStore store,
    IEnumerable<IPiiRecognizer> recognizers, IOptions<RedactionOptions> options, ILogger<CallRedactor> logger)
{
    private readonly RedactionOptions _options = options.Value;
    private readonly HashSet<string> _detectable = recognizers.SelectMany(r => r.EntityTypes).ToHashSet(StringComparer.Ordinal);

    public async Task<StageOutcome> RedactAsync(CallLog call, CancellationToken cancellationToken)
    {
        if (call.RedactFields.Count == 0)
        {
            return StageOutcome.Advance(c => c);
        }
        // A type no recognizer can find would pass through unredacted while the call claims to be redacted: stop
        // instead, with the transcript and recording withheld.
        var undetectable = call.RedactFields.Where(f => !_detectable.Contains(f)).ToList();
        if (undetectable.Count > 0)
        {
            return StageOutcome.Fail(
                $"PII redaction of {string.Join(", ", undetectable)} is not available on this server; the transcript and recording stay withheld.");
        }
        if (call.DataKeyId is { } liveKey && call.PendingKeyDestruction is { } earlierKey && earlierKey != liveKey)
        {
            // An earlier redaction's key is still owed destruction (its transcript was replaced before that finished),
            // and this run's key is about to take the marker's place: destroy the earlier one now, so it is not forgotten.
            await keys.DestroyAsync(earlierKey, cancellationToken);
        }
        var text = transcripts.Redact(call.TranscriptObject, call.RedactFields, call.CustomerNumber);
        var summary = new RedactionSummary
        {
            TranscriptSpans = text.Redactions.Count(r => r.Field == RedactedField.Content),
            FunctionCallSpans = text.Redactions.Count(r => r.Field != RedactedField.Content),
        };
        var usage = RedactionMeter.Measure(call.DurationSeconds ?? call.Recording?.DurationSeconds, _options.CreditsPerMinute);

        CallRecording? recording = call.Recording;
        string? replaced = null;
        if (call.Recording is { } redacted && RedactedKey(call) == redacted.BlobKey)
        {
            // Redacted by an earlier run (the transcript was replaced since): the recording stays as it is, and so does
            // what that run reported about it.
            summary = summary with
            {
                AudioWindows = call.Redaction?.AudioWindows ?? 0,
                UnlocatedAudioSpans = call.Redaction?.UnlocatedAudioSpans ?? 0,
                AudioMask = call.Redaction?.AudioMask,
            };
        }
        else if (call.Recording is { } original)
        {
            var audio = await MaskRecordingAsync(call, original, text, cancellationToken);
            if (audio.Failure is { } failure)
            {
                return StageOutcome.Fail(failure);
            }
            recording = audio.Recording;
            replaced = recording!.BlobKey != original.BlobKey ? original.BlobKey : null;
            summary = summary with
            {
                AudioWindows = audio.Plan!.Windows.Count,
                UnlocatedAudioSpans = audio.Plan.UnlocatedSpans,
                AudioMask = _options.AudioMask.ToString().ToLowerInvariant(),
            };
        }
        // Counts only: the spans' text never reaches a log.
        logger.LogInformation(
            "Call log {CallLogId} redacted: {TranscriptSpans} transcript spans, {FunctionCallSpans} function-call spans, {AudioWindows} audio windows, {Unlocated} unlocated",
            call.Id, summary.TranscriptSpans, summary.FunctionCallSpans, summary.AudioWindows, summary.UnlocatedAudioSpans);
        return StageOutcome.Advance(c => c with
        {
            TranscriptObject = text.Transcript,
            Recording = recording,
            PendingRecordingDeletion = replaced ?? c.PendingRecordingDeletion,
            // From here the call is stored in the clear; the key that sealed its originals is destroyed next.
            DataKeyId = null,
            PendingKeyDestruction = c.DataKeyId ?? c.PendingKeyDestruction,
            Redaction = summary,
            RedactionUsage = usage,
        });
    }

    /// <summary>
    /// Deletes the unredacted recording the call still owes, then clears the marker. Runs after the stage on every
    /// delivery, including redeliveries of a call whose stage was already recorded.
    /// </summary>
    public async Task FinishAsync(long callLogId, CancellationToken cancellationToken)
    {
        var call = await store.GetForWorkerAsync(callLogId, cancellationToken);
        if (call?.PendingRecordingDeletion is { } key)
        {
            if (key != call.Recording?.BlobKey)
            {
                await blobs.DeleteAsync(key, cancellationToken);
            }
            await writer.UpdateAsync(callLogId,
                c => c.PendingRecordingDeletion == key ? c with { PendingRecordingDeletion = null } : null, cancellationToken);
            logger.LogInformation("Call log {CallLogId}: unredacted recording deleted", callLogId);
        }
        if (call?.PendingKeyDestruction is { } keyId)
        {
            // Crypto-shredding: every sealed copy of the originals (old rows, WAL, object versions, backups) dies with it.
            await keys.DestroyAsync(keyId, cancellationToken);
            await writer.UpdateAsync(callLogId,
                c => c.PendingKeyDestruction == keyId ? c with { PendingKeyDestruction = null } : null, cancellationToken);
            logger.LogInformation("Call log {CallLogId}: data key destroyed", callLogId);
        }
    }

    /// <summary>Fixed per call, so a retried stage overwrites its own earlier output instead of adding a blob.</summary>
    public static string RedactedKey(CallLog call) => RecordingBlobKeys.Redacted(call.ProjectId, call.Id, call.Recording!.Format);

    private async Task<MaskedRecording> MaskRecordingAsync(
        CallLog call, CallRecording original, TranscriptRedaction text, CancellationToken cancellationToken)
    {
        var duration = call.RecordingData?.TotalDuration ?? original.DurationSeconds ?? call.DurationSeconds;
        if (duration is not > 0)
        {
            return MaskedRecording.Failed("The recording's length is unknown, so its redactions cannot be placed; the transcript and recording stay withheld.");
        }
        var plan = AudioRedactionPlanner.Plan(call.TranscriptObject, text.SpeechRedactions, call.RecordingData, duration.Value, _options.AudioPaddingSeconds);
        var isSealed = SealedBlobKeys.KeyIdOf(original.BlobKey) is not null;
        if (plan.Windows.Count == 0 && !isSealed)
        {
            // Nothing was said that needs masking: re-encoding would only cost time and, for lossy formats, quality.
            return new MaskedRecording(original, plan, null);
        }
        var input = TempPath(call, original.Format);
        var output = TempPath(call, original.Format);
        try
        {
            await using (var source = await blobs.OpenReadAsync(original.BlobKey, cancellationToken))
            {
                if (source is null)
                {
                    return MaskedRecording.Failed("The call's recording is missing from the blob store, so it cannot be redacted.");
                }
                await using var target = new FileStream(input, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await source.CopyToAsync(target, cancellationToken);
            }
            if (plan.Windows.Count > 0)
            {
                await masker.MaskAsync(input, output, plan.Windows, _options.AudioMask, _options.ToneFrequencyHz, cancellationToken,
                    AudioMasker.MaskedInput.FromStored(original));
            }
            else
            {
                // Nothing to mask, but the original is sealed under the key about to be destroyed: keep its bytes in the clear.
                File.Move(input, output);
            }
            var key = RedactedKey(call);
            var size = new FileInfo(output).Length;
            await using (var masked = new FileStream(output, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            {
                await blobs.PutAsync(key, masked, size, original.ContentType, cancellationToken);
            }
            return new MaskedRecording(original with { BlobKey = key, SizeBytes = size }, plan, null);
        }
        catch (AudioMaskException e)
        {
            return MaskedRecording.Failed($"The recording could not be redacted: {e.Message}. The transcript and recording stay withheld.");
        }
        catch (SealedDataUnavailableException e)
        {
            return MaskedRecording.Failed($"The sealed recording could not be opened ({e.Message}); the transcript and recording stay withheld.");
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    private static string TempPath(CallLog call, string format) =>
        Path.Combine(Path.GetTempPath(), $"cekura-redact-{call.Id}-{Guid.NewGuid():N}.{format}");

    private sealed record MaskedRecording(CallRecording? Recording, AudioRedactionPlan? Plan, string? Failure)
    {
        public static MaskedRecording Failed(string reason) => new(null, null, reason);
    }
}
