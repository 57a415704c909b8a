using Cekura.Contracts.Agents;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Ingest.CallLogs;
using Cekura.Ingest.Recordings;

namespace Cekura.Ingest.Observe;

/// <summary><c>POST /observability/v1/observe/</c>: Send Calls.</summary>
public static class ObserveApi
{
    public static RouteGroupBuilder MapObserveApi(this RouteGroupBuilder group)
    {
        group.MapPost("/observability/v1/observe/", ObserveAsync)
            .WithName("SendCall")
            .WithSummary("Ingest one finished call (JSON, multipart with a voice_recording file part, or urlencoded).")
            .Accepts<SendCallDocument>("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
            .Produces<CallLogDetailView>(StatusCodes.Status201Created)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status401Unauthorized)
            .Produces<DuplicateDetail>(StatusCodes.Status409Conflict)
            .Produces<ErrorDetail>(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        return group;
    }

    private static async Task<IResult> ObserveAsync(
        HttpContext http, SendCallValidator validator, IAgentStore agents, CallIngestor ingestor, CallLogViews views)
    {
        var cancellationToken = http.RequestAborted;
        var (body, readError) = await SendCallBody.ReadAsync(http.Request, cancellationToken);
        if (readError is not null)
        {
            return readError;
        }

        var header = await ReadRecordingHeaderAsync(body!, cancellationToken);
        var (call, errors) = validator.Validate(body!, header);
        var tenant = http.Tenant();
        Agent? agent = null;
        if (call is not null)
        {
            agent = await ResolveAgentAsync(agents, tenant.ProjectId, call, errors, cancellationToken);
        }
        if (call is null || agent is null)
        {
            return ApiErrors.Fields(errors);
        }

        var result = await ingestor.IngestAsync(tenant, call, agent, cancellationToken);
        if (result.DuplicateOfId is { } existingId)
        {
            return ApiErrors.Detail(StatusCodes.Status409Conflict,
                $"A call log with call_id '{call.CallId}' already exists in this project.", existingId);
        }
        return Results.Json(views.Detail(result.Call!, http.Request), statusCode: StatusCodes.Status201Created);
    }

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

    private static async Task<Agent?> ResolveAgentAsync(
        IAgentStore agents, long projectId, SendCall call, FieldErrors errors, CancellationToken cancellationToken)
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
