using Cekura.Contracts.Agents;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Ingest.Recordings;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Observe;

/// <summary>A Send Calls request that passed validation, with its agent resolved and its recording URL fetched.</summary>
public sealed record AcceptedCall(SendCall Call, Agent Agent, FetchedRecording? FetchedRecording = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => FetchedRecording?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Send Calls after the body is read: validate every field, resolve the agent, then store and start processing.
/// The JSON/form endpoint and the providers' native webhooks both come through here, so they share every rule.
/// </summary>
public sealed class SendCallHandler(
    SendCallValidator validator, IAgentStore agents, CallIngestor ingestor, SafeRecordingFetcher fetcher, IOptions<RecordingFetchOptions> fetchOptions)
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
        return agent is null ? (null, errors) : (new AcceptedCall(call, agent), errors);
    }

    /// <summary>
    /// Downloads <c>voice_recording_url</c> (safely: see <see cref="SafeRecordingFetcher"/>) unless a file was uploaded or
    /// fetching is turned off, in which case the URL is only kept. A refusal is an error on that field.
    /// </summary>
    public async Task<AcceptedCall?> FetchRecordingAsync(AcceptedCall accepted, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (accepted.Call.RecordingUpload is not null || accepted.Call.RecordingUrl is not { } url || !fetchOptions.Value.Enabled)
        {
            return accepted;
        }
        try
        {
            return accepted with { FetchedRecording = await fetcher.FetchAsync(url, cancellationToken) };
        }
        catch (RecordingFetchException e)
        {
            errors.Add("voice_recording_url", $"Could not use the recording: {e.Reason}.");
            return null;
        }
    }

    public Task<CallIngestor.Result> IngestAsync(Tenant tenant, AcceptedCall accepted, CancellationToken cancellationToken) =>
        ingestor.IngestAsync(tenant, accepted.Call, accepted.Agent, accepted.FetchedRecording, cancellationToken);

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
