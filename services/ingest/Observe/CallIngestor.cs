using System.Diagnostics;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Cekura.Hosting.Telemetry;
using Cekura.Ingest.Recordings;

namespace Cekura.Ingest.Observe;

/// <summary>
/// Stores a validated call and starts its processing. The call row is the outbox: it is written with its
/// <c>CallReceived</c> still owed and handed to the background publisher, so the answer never waits on the broker;
/// if the publish is not confirmed (a broker down or hung, a crash) the relay sends it.
/// </summary>
public sealed class CallIngestor(
    ICallStore store, IBlobStore blobs, IDataKeyStore keys, OutboxDispatcher dispatcher, TimeProvider clock)
{
    public sealed record Result(CallLog? Call, long? DuplicateOfId);

    public async Task<Result> IngestAsync(
        Tenant tenant, SendCall request, Agent agent, VerifiedRecording? recordingFile, CancellationToken cancellationToken)
    {
        using var activity = CekuraTelemetry.StartInTrace("ingest call", request.TraceId, ActivityKind.Internal);
        activity?.SetTag("cekura.call_id", request.CallId);
        var now = clock.GetUtcNow();

        // A call that asks for redaction is stored sealed under its own data key until the redaction stage is done.
        var redactFields = request.RedactFields ?? agent.RedactFields;
        var dataKeyId = redactFields.Count > 0 ? await keys.CreateAsync(cancellationToken) : null;
        var recording = recordingFile is null ? null : await recordingFile.StoreAsync(blobs, tenant.ProjectId, dataKeyId, cancellationToken);
        var call = new CallLog
        {
            OrganizationId = tenant.OrganizationId,
            ProjectId = tenant.ProjectId,
            CallId = request.CallId,
            TraceId = request.TraceId ?? Activity.Current?.TraceId.ToHexString(),
            AgentId = agent.Id,
            AgentName = agent.AgentName,
            CallEndedReason = request.CallEndedReason,
            CustomerNumber = request.CustomerNumber,
            Feedback = request.Feedback,
            Timestamp = request.Timestamp ?? now,
            TranscriptType = request.TranscriptType,
            TranscriptObject = request.Transcript,
            Recording = recording,
            SourceRecordingUrl = request.RecordingUrl,
            Metadata = request.Metadata,
            DynamicVariables = request.DynamicVariables,
            RedactFields = redactFields,
            DataKeyId = dataKeyId,
            MetricIds = request.MetricIds,
            MainAgentChannelIndex = request.MainAgentChannelIndex,
            AgentSpeakerIndex = request.AgentSpeaker?.Index,
            AgentSpeakerRule = request.AgentSpeaker?.Rule,
            Stage = CallStage.Received,
            StageChangedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };

        CallLog stored;
        try
        {
            stored = await store.InsertAsync(call, cancellationToken);
        }
        catch (DuplicateCallException duplicate)
        {
            await DiscardAsync(recording, dataKeyId);
            return new Result(null, duplicate.ExistingId);
        }
        catch
        {
            // Whatever kept the call from being stored, its recording must not stay behind without it.
            await DiscardAsync(recording, dataKeyId);
            throw;
        }
        activity?.SetTag("cekura.call_log_id", stored.Id);

        dispatcher.Enqueue(stored);
        return new Result(stored, null);
    }

    private async Task DiscardAsync(CallRecording? recording, string? dataKeyId)
    {
        if (recording is not null)
        {
            await blobs.DeleteAsync(recording.BlobKey, CancellationToken.None);
        }
        if (dataKeyId is not null)
        {
            await keys.DestroyAsync(dataKeyId, CancellationToken.None);
        }
    }
}
