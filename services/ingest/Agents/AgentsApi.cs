using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Redaction;
using Cekura.Hosting.Storage;
using Cekura.Ingest.Api;
using Cekura.Hosting.Calls.Views;

namespace Cekura.Ingest.Agents;

/// <summary>The agent's public shape at <c>/test_framework/v1/aiagents/</c>.</summary>
public sealed record AgentView(
    long Id, string AgentName, string Description, string? AssistantId, string? AssistantProvider,
    IReadOnlyList<string> RedactFields, Rubric? Rubric, bool HasProviderWebhookSecret, long Project, string CreatedAt, string UpdatedAt)
{
    public static AgentView From(Agent a) => new(
        a.Id, a.AgentName, a.Description, a.AssistantId, a.AssistantProvider, a.RedactFields, a.Rubric,
        !string.IsNullOrEmpty(a.ProviderWebhookSecret), a.ProjectId, CallLogViews.Iso(a.CreatedAt), CallLogViews.Iso(a.UpdatedAt));
}

/// <summary>The body of <c>POST /test_framework/v1/aiagents/</c> (documents the OpenAPI schema).</summary>
public sealed record CreateAgentDocument(
    string AgentName, string? Description, string? AssistantId, string? AssistantProvider, IReadOnlyList<string>? RedactFields,
    string? ProviderWebhookSecret, Rubric? Rubric);

/// <summary>Minimal agents: enough for <c>agent</c> and <c>assistant_id</c> on Send Calls to resolve.</summary>
public static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/test_framework/v1/aiagents/", CreateAsync)
            .WithName("CreateAgent")
            .Accepts<CreateAgentDocument>("application/json")
            .Produces<AgentView>(StatusCodes.Status201Created)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet("/test_framework/v1/aiagents/", ListAsync)
            .WithName("ListAgents")
            .Produces<Page<AgentView>>();
        group.MapGet("/test_framework/v1/aiagents/{id:long}/", GetAsync)
            .WithName("GetAgent")
            .Produces<AgentView>()
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPatch("/test_framework/v1/aiagents/{id:long}/", PatchAsync)
            .WithName("UpdateAgent")
            .WithSummary("Change some of an agent's fields (e.g. its default redact_fields); fields left out keep their values.")
            .Accepts<CreateAgentDocument>("application/json")
            .Produces<AgentView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IAgentStore agents, TimeProvider clock)
    {
        var (body, refusal) = await ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();

        var name = Text(body, "agent_name", errors, 255, required: true);
        var description = Text(body, "description", errors, 100_000) ?? "";
        var assistantId = Text(body, "assistant_id", errors, 255);
        var provider = Text(body, "assistant_provider", errors, 100);
        var webhookSecret = Text(body, "provider_webhook_secret", errors, 1000);
        var redactFields = RedactFields(body, errors);
        var rubric = RubricField(body, errors);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }

        var tenant = http.Tenant();
        try
        {
            var agent = await agents.CreateAsync(new Agent
            {
                OrganizationId = tenant.OrganizationId,
                ProjectId = tenant.ProjectId,
                AgentName = name!,
                Description = description,
                AssistantId = string.IsNullOrEmpty(assistantId) ? null : assistantId,
                AssistantProvider = provider,
                ProviderWebhookSecret = string.IsNullOrEmpty(webhookSecret) ? null : webhookSecret,
                RedactFields = redactFields,
                Rubric = rubric,
                CreatedAt = clock.GetUtcNow(),
                UpdatedAt = clock.GetUtcNow(),
            }, http.RequestAborted);
            return Results.Json(AgentView.From(agent), statusCode: StatusCodes.Status201Created);
        }
        catch (DuplicateAssistantIdException)
        {
            errors.Add("assistant_id", "An agent with this assistant_id already exists in this project.");
            return ApiErrors.Fields(errors);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, IAgentStore agents, int? page, int? page_size)
    {
        var p = Math.Max(1, page ?? 1);
        var size = Math.Clamp(page_size ?? 20, 1, 100);
        var (count, items) = await agents.ListAsync(http.Tenant().ProjectId, p, size, http.RequestAborted);
        var path = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}";
        return Results.Json(new Page<AgentView>(
            count,
            (long)p * size < count ? $"{path}?page={p + 1}&page_size={size}" : null,
            p > 1 ? $"{path}?page={p - 1}&page_size={size}" : null,
            items.Select(AgentView.From).ToList()));
    }

    /// <summary>Only the fields present change; <c>null</c> clears an optional field (and <c>redact_fields</c>).</summary>
    private static async Task<IResult> PatchAsync(long id, HttpContext http, IAgentStore agents, TimeProvider clock)
    {
        var agent = await agents.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        if (agent is null)
        {
            return ApiErrors.NotFound();
        }
        var (body, refusal) = await ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();
        bool Has(string field) => body.TryGetProperty(field, out _);
        var changed = agent with
        {
            AgentName = Has("agent_name") ? Text(body, "agent_name", errors, 255, required: true) ?? agent.AgentName : agent.AgentName,
            Description = Has("description") ? Text(body, "description", errors, 100_000) ?? "" : agent.Description,
            AssistantId = Has("assistant_id") ? NullIfEmpty(Text(body, "assistant_id", errors, 255)) : agent.AssistantId,
            AssistantProvider = Has("assistant_provider") ? Text(body, "assistant_provider", errors, 100) : agent.AssistantProvider,
            ProviderWebhookSecret = Has("provider_webhook_secret")
                ? NullIfEmpty(Text(body, "provider_webhook_secret", errors, 1000)) : agent.ProviderWebhookSecret,
            RedactFields = Has("redact_fields") ? RedactFields(body, errors) : agent.RedactFields,
            Rubric = Has("rubric") ? RubricField(body, errors) : agent.Rubric,
            UpdatedAt = clock.GetUtcNow(),
        };
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        try
        {
            var saved = await agents.UpdateAsync(changed, http.RequestAborted);
            return saved is null ? ApiErrors.NotFound() : Results.Json(AgentView.From(saved));
        }
        catch (DuplicateAssistantIdException)
        {
            errors.Add("assistant_id", "An agent with this assistant_id already exists in this project.");
            return ApiErrors.Fields(errors);
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static async Task<(JsonElement Body, IResult? Refusal)> ReadObjectAsync(HttpContext http)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (default, ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {e.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            var errors = new FieldErrors();
            errors.Add("non_field_errors", $"Invalid data. Expected a dictionary, but got {ApiErrors.KindName(body.ValueKind)}.");
            return (default, ApiErrors.Fields(errors));
        }
        return (body, null);
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IAgentStore agents)
    {
        var agent = await agents.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        return agent is null ? ApiErrors.NotFound() : Results.Json(AgentView.From(agent));
    }

    private static string? Text(JsonElement body, string field, FieldErrors errors, int maxLength, bool required = false)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(field, "This field is required.");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "Not a valid string.");
            return null;
        }
        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "This field may not be blank.");
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(field, $"Ensure this field has no more than {maxLength} characters.");
            return null;
        }
        return text;
    }

    /// <summary>
    /// <c>{"operator": "and"|"or", "rules": [{"metric": id, "operator": "eq|neq|gt|gte|lt|lte", "value": ...}]}</c>, or null
    /// for none. A rule names a predefined metric; booleans and strings compare with <c>eq</c>/<c>neq</c> only.
    /// </summary>
    private static Rubric? RubricField(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("rubric", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("rubric", "Expected an object {\"operator\": \"and\" or \"or\", \"rules\": [...]}.");
            return null;
        }
        var combine = RubricOperators.And;
        if (value.TryGetProperty("operator", out var op) && op.ValueKind != JsonValueKind.Null)
        {
            combine = op.ValueKind == JsonValueKind.String ? op.GetString()! : "";
            if (combine is not (RubricOperators.And or RubricOperators.Or))
            {
                errors.Add("rubric", "operator must be \"and\" or \"or\".");
            }
        }
        if (!value.TryGetProperty("rules", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add("rubric", "rules must be a list.");
            return null;
        }
        var rules = new List<RubricRule>();
        var index = 0;
        foreach (var rule in list.EnumerateArray())
        {
            var at = $"rule {index++}";
            if (rule.ValueKind != JsonValueKind.Object)
            {
                errors.Add("rubric", $"{at}: expected an object {{metric, operator, value}}.");
                continue;
            }
            long metric = 0;
            if (!rule.TryGetProperty("metric", out var m) || m.ValueKind != JsonValueKind.Number || !m.TryGetInt64(out metric)
                || Cekura.Contracts.Metrics.PredefinedMetrics.Find(metric) is null)
            {
                errors.Add("rubric", $"{at}: metric must be the id of a predefined metric ({string.Join(", ", Cekura.Contracts.Metrics.PredefinedMetrics.All.Select(p => p.Id))}).");
            }
            var comparison = rule.TryGetProperty("operator", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            if (!RubricOperators.Comparisons.Contains(comparison))
            {
                errors.Add("rubric", $"{at}: operator must be one of {string.Join(", ", RubricOperators.Comparisons)}.");
            }
            if (!rule.TryGetProperty("value", out var v) || v.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add("rubric", $"{at}: value must be a number, true/false or a string.");
                continue;
            }
            if (v.ValueKind != JsonValueKind.Number && comparison is not ("eq" or "neq"))
            {
                errors.Add("rubric", $"{at}: {comparison} compares numbers; use eq or neq for true/false and strings.");
            }
            rules.Add(new RubricRule { Metric = metric, Operator = comparison, Value = v.Clone() });
        }
        return new Rubric { Operator = combine, Rules = rules };
    }

    private static IReadOnlyList<string> RedactFields(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("redact_fields", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            errors.Add("redact_fields", "Expected a list of entity names.");
            return [];
        }
        var names = value.EnumerateArray().Select(v => v.GetString()!).Distinct().ToList();
        foreach (var unknown in names.Where(n => !RedactionEntities.IsKnown(n)))
        {
            errors.Add("redact_fields", $"\"{unknown}\" is not a valid choice.");
        }
        return names;
    }
}
