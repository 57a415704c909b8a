using Cekura.Contracts.Agents;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Ingest.Recordings;
using Cekura.Ingest.Transcripts;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Observe;

/// <summary>A Send Calls request that passed validation, with its agent resolved and its recording (uploaded or fetched) decoded.</summary>
public sealed record AcceptedCall(SendCall Call, Agent Agent, VerifiedRecording? Recording = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Recording?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Send Calls after the body is read: validate every field, resolve the agent and check custom <c>metric_ids</c>
/// against the project, then store and start processing.
/// The JSON/form endpoint and the providers' native webhooks both come through here, so they share every rule.
/// </summary>
public sealed class SendCallHandler(
    SendCallValidator validator, IAgentStore agents, IMetricStore metrics, CallIngestor ingestor, SafeRecordingFetcher fetcher,
    IOptions<RecordingFetchOptions> fetchOptions, RecordingVerifier verifier)
{
    public async Task<(AcceptedCall? Accepted, FieldErrors Errors)> ValidateAsync(
        Tenant tenant, SendCallBody body, CancellationToken cancellationToken)
    {
        var header = await ReadRecordingHeaderAsync(body, cancellationToken);
        var (call, errors) = validator.Validate(body, header);
        if (call is null)
        {
            return (null, errors);
        }
        var agent = await ResolveAgentAsync(tenant.ProjectId, call, errors, cancellationToken);
        await CheckCustomMetricsAsync(tenant.ProjectId, call, errors, cancellationToken);
        return agent is null || errors.Any ? (null, errors) : (new AcceptedCall(call, agent), errors);
    }

    /// <summary>
    /// Copies an upload to a temporary file, or downloads <c>voice_recording_url</c> (safely: see
    /// <see cref="SafeRecordingFetcher"/>), and decodes it whole; with fetching turned off the URL is only kept.
    /// A refusal, or a recording that does not decode, is an error on that field and nothing is kept.
    /// </summary>
    public async Task<AcceptedCall?> ReadRecordingAsync(AcceptedCall accepted, FieldErrors errors, CancellationToken cancellationToken)
    {
        var call = accepted.Call;
        if (call.RecordingUpload is { } upload && call.RecordingFormat is { } format)
        {
            await using var content = upload.OpenReadStream();
            var (saved, problem) = await verifier.SaveAndVerifyAsync(content, format, cancellationToken);
            if (saved is null)
            {
                errors.Add("voice_recording", $"The file is not usable audio: {problem}.");
                return null;
            }
            return await CheckChannelsAsync(accepted with { Recording = saved }, errors);
        }
        if (call.RecordingUrl is not { } url || !fetchOptions.Value.Enabled)
        {
            return accepted;
        }
        FetchedRecording fetched;
        try
        {
            fetched = await fetcher.FetchAsync(url, cancellationToken);
        }
        catch (RecordingFetchException e)
        {
            errors.Add("voice_recording_url", $"Could not use the recording: {e.Reason}.");
            return null;
        }
        try
        {
            var (probe, problem) = await verifier.VerifyAsync(fetched.FilePath, cancellationToken);
            if (probe is null)
            {
                await fetched.DisposeAsync();
                errors.Add("voice_recording_url", $"Could not use the recording: {problem}.");
                return null;
            }
            var verified = new VerifiedRecording(fetched.Content, fetched.Length, fetched.Format, probe, fetched);
            return await CheckChannelsAsync(accepted with { Recording = verified }, errors);
        }
        catch
        {
            await fetched.DisposeAsync();
            throw;
        }
    }

    // none-mono is transcribed as one voice track; a stereo call's channels would be mixed or half ignored.
    private static async Task<AcceptedCall?> CheckChannelsAsync(AcceptedCall accepted, FieldErrors errors)
    {
        if (accepted.Call.TranscriptType != TranscriptTypes.NoneMono || accepted.Recording!.Probe.Channels == 1)
        {
            return accepted;
        }
        errors.Add("transcript_type",
            $"transcript_type none-mono needs a mono recording; this one has {accepted.Recording.Probe.Channels} channels. "
            + "For stereo calls send transcript_json with its transcript_type.");
        await accepted.DisposeAsync();
        return null;
    }

    public Task<CallIngestor.Result> IngestAsync(Tenant tenant, AcceptedCall accepted, CancellationToken cancellationToken) =>
        ingestor.IngestAsync(tenant, accepted.Call, accepted.Agent, accepted.Recording, cancellationToken);

    private static async Task<byte[]> ReadRecordingHeaderAsync(SendCallBody body, CancellationToken cancellationToken)
    {
        if (body.Recording is null)
        {
            return [];
        }
        var header = new byte[AudioFormat.HeaderLength];
        await using var stream = body.Recording.OpenReadStream();
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return header[..read];
    }

    /// <summary><c>metric_ids</c> at or above the first custom id must be metrics of the key's project.</summary>
    private async Task CheckCustomMetricsAsync(long projectId, SendCall call, FieldErrors errors, CancellationToken cancellationToken)
    {
        var custom = call.MetricIds.Where(id => id >= MetricDefinition.FirstCustomId).ToList();
        if (custom.Count == 0)
        {
            return;
        }
        var found = (await metrics.GetManyAsync(projectId, custom, cancellationToken)).Select(m => m.Id).ToHashSet();
        foreach (var id in custom.Where(id => !found.Contains(id)))
        {
            errors.Add("metric_ids", SendCallValidator.UnknownMetric(id));
        }
    }

    private async Task<Agent?> ResolveAgentAsync(long projectId, SendCall call, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (call.AgentId is { } agentId)
        {
            var agent = await agents.GetAsync(projectId, agentId, cancellationToken);
            if (agent is null)
            {
                errors.Add("agent", $"Invalid pk \"{agentId}\" - object does not exist.");
            }
            return agent;
        }
        var byAssistant = await agents.FindByAssistantIdAsync(projectId, call.AssistantId!, cancellationToken);
        if (byAssistant is null)
        {
            errors.Add("assistant_id", $"No agent with assistant_id \"{call.AssistantId}\" in this project.");
        }
        return byAssistant;
    }
}
