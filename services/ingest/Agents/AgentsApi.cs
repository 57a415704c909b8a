using System.ComponentModel;
using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Redaction;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Cekura.Ingest.Api;
using Cekura.Hosting.Calls.Views;

namespace Cekura.Ingest.Agents;

/// <summary>The agent's public shape at <c>/test_framework/v1/aiagents/</c>; secrets only show as <c>has_…</c> flags.</summary>
public sealed record AgentView(
    long Id, string AgentName, string Description, string? AssistantId, string? AssistantProvider,
    IReadOnlyList<string> RedactFields, Rubric? Rubric, IReadOnlyList<long> Metrics, IReadOnlyList<AgentNode> TopicNodes,
    IReadOnlyList<AgentNode> DropoffNodes, string? WebhookUrl, bool HasWebhookSecret, double? SilenceDuration,
    double? InfraIssuesTimeout, bool HasProviderWebhookSecret, long Project, string CreatedAt, string UpdatedAt,
    bool HasWebhookToken, string? WebhookTokenPrefix)
{
    public static AgentView From(Agent a) => new(
        a.Id, a.AgentName, a.Description, a.AssistantId, a.AssistantProvider, a.RedactFields, a.Rubric, a.MetricIds,
        a.TopicNodes, a.DropoffNodes, a.WebhookUrl, !string.IsNullOrEmpty(a.WebhookSecret), a.SilenceDurationSeconds,
        a.InfraIssuesTimeoutSeconds, !string.IsNullOrEmpty(a.ProviderWebhookSecret), a.ProjectId,
        CallLogViews.Iso(a.CreatedAt), CallLogViews.Iso(a.UpdatedAt), a.WebhookTokenHash is not null, a.WebhookTokenPrefix);
}

/// <summary>
/// The body of <c>POST</c>, <c>PUT</c> and <c>PATCH</c> on agents (documents the OpenAPI schema; the endpoints read the
/// JSON themselves). PATCH takes any subset of the fields.
/// </summary>
public sealed record CreateAgentDocument
{
    public required string AgentName { get; init; }
    public string? Description { get; init; }

    [Description("The provider's assistant id; unique in the project.")]
    public string? AssistantId { get; init; }
    public string? AssistantProvider { get; init; }

    [Description("Default PII entities to redact for calls that send no redact_fields of their own.")]
    public IReadOnlyList<string>? RedactFields { get; init; }

    [Description("Cekura's nested spelling: provider.redact_fields is read as redact_fields.")]
    public AgentProviderDocument? Provider { get; init; }

    [Description("Write-only: the secret the provider signs its webhooks with.")]
    public string? ProviderWebhookSecret { get; init; }
    public Rubric? Rubric { get; init; }

    [Description("Ids of the project's custom metrics evaluated on every call of the agent.")]
    public IReadOnlyList<long>? Metrics { get; init; }

    [Description("Topics a call is classified into; names unique, at most 100.")]
    public IReadOnlyList<AgentNode>? TopicNodes { get; init; }

    [Description("Stages at which a caller may drop off; names unique, at most 100.")]
    public IReadOnlyList<AgentNode>? DropoffNodes { get; init; }

    [Description("Absolute http(s) URL for the call_log.completed webhook; null for none.")]
    public string? WebhookUrl { get; init; }

    [Description("Write-only: the X-CEKURA-SECRET value for that webhook.")]
    public string? WebhookSecret { get; init; }

    [Description("Seconds of mutual silence that fail Silence Detection (0 < s <= 3600); null for 10.")]
    public double? SilenceDuration { get; init; }

    [Description("Seconds the agent may stay silent after the caller before Infrastructure Issues fails (0 < s <= 3600); null for 10.")]
    public double? InfraIssuesTimeout { get; init; }
}

/// <summary>Cekura's nested provider settings; only <c>redact_fields</c> is read (as <c>redact_fields</c>).</summary>
public sealed record AgentProviderDocument(IReadOnlyList<string>? RedactFields);

/// <summary>Agents: what <c>agent</c> and <c>assistant_id</c> on Send Calls resolve to, and how their calls are judged.</summary>
public static class AgentsApi
{
    private const int MaxNodes = 100;
    private const int MaxNodeName = 255;
    private const int MaxNodeDescription = 5000;
    private const int MaxMetrics = 200;
    private const int MaxUrl = 2000;

    /// <summary>Silence and infrastructure thresholds longer than an hour cannot mean anything for a call.</summary>
    private const double MaxThresholdSeconds = 3600;

    private const string Route = "/test_framework/v1/aiagents/{id:long}/";

    public static RouteGroupBuilder MapAgentsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/test_framework/v1/aiagents/", CreateAsync)
            .WithName("CreateAgent")
            .Accepts<CreateAgentDocument>("application/json")
            .Produces<AgentView>(StatusCodes.Status201Created)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet("/test_framework/v1/aiagents/", ListAsync)
            .WithName("ListAgents")
            .WithSummary("The project's agents in creation order. Query: page, page_size (at most 100).")
            .Produces<Page<AgentView>>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet(Route, GetAsync)
            .WithName("GetAgent")
            .Produces<AgentView>()
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPatch(Route, PatchAsync)
            .WithName("UpdateAgent")
            .WithSummary("Change some of an agent's fields (e.g. its default redact_fields); fields left out keep their values.")
            .Accepts<CreateAgentDocument>("application/json")
            .Produces<AgentView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPut(Route, ReplaceAsync)
            .WithName("ReplaceAgent")
            .WithSummary("Replace an agent with the body, under create's rules: fields left out take their defaults, except the "
                + "write-only webhook_secret and provider_webhook_secret, which keep their values unless sent (null clears them).")
            .Accepts<CreateAgentDocument>("application/json")
            .Produces<AgentView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapDelete(Route, DeleteAsync)
            .WithName("DeleteAgent")
            .WithSummary("Delete an agent. Its stored calls keep their agent and agent_name; Send Calls naming it is then a 400.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IAgentStore agents, IMetricStore metrics, TimeProvider clock)
    {
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var tenant = http.Tenant();
        var now = clock.GetUtcNow();
        var blank = new Agent
        {
            OrganizationId = tenant.OrganizationId, ProjectId = tenant.ProjectId, AgentName = "", CreatedAt = now,
        };
        var errors = new FieldErrors();
        var agent = Read(body, blank, partial: false, errors) with { UpdatedAt = now };
        await CheckMetricsAsync(body, agent, metrics, errors, http.RequestAborted);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        try
        {
            var created = await agents.CreateAsync(agent, http.RequestAborted);
            return Results.Json(AgentView.From(created), statusCode: StatusCodes.Status201Created);
        }
        catch (DuplicateAssistantIdException)
        {
            return DuplicateAssistantId(errors);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, IAgentStore agents, PublicOrigin origin)
    {
        var errors = new FieldErrors();
        var (page, pageSize) = Paging.Read(http.Request, 20, errors);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        var (count, items) = await agents.ListAsync(http.Tenant().ProjectId, page, pageSize, http.RequestAborted);
        return Results.Json(Paging.Of(origin, http.Request, count, page, pageSize, items.Select(AgentView.From).ToList()));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IAgentStore agents)
    {
        var agent = await agents.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        return agent is null ? ApiErrors.NotFound() : Results.Json(AgentView.From(agent));
    }

    /// <summary>Only the fields present change; <c>null</c> clears an optional field (and <c>redact_fields</c>).</summary>
    private static Task<IResult> PatchAsync(long id, HttpContext http, IAgentStore agents, IMetricStore metrics, TimeProvider clock) =>
        ChangeAsync(id, http, agents, metrics, clock, partial: true);

    private static Task<IResult> ReplaceAsync(long id, HttpContext http, IAgentStore agents, IMetricStore metrics, TimeProvider clock) =>
        ChangeAsync(id, http, agents, metrics, clock, partial: false);

    private static async Task<IResult> ChangeAsync(
        long id, HttpContext http, IAgentStore agents, IMetricStore metrics, TimeProvider clock, bool partial)
    {
        var current = await agents.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        if (current is null)
        {
            return ApiErrors.NotFound();
        }
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var errors = new FieldErrors();
        var changed = Read(body, current, partial, errors) with { UpdatedAt = clock.GetUtcNow() };
        await CheckMetricsAsync(body, changed, metrics, errors, http.RequestAborted);
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
            return DuplicateAssistantId(errors);
        }
    }

    private static async Task<IResult> DeleteAsync(long id, HttpContext http, IAgentStore agents) =>
        await agents.DeleteAsync(http.Tenant().ProjectId, id, http.RequestAborted) ? Results.NoContent() : ApiErrors.NotFound();

    private static IResult DuplicateAssistantId(FieldErrors errors)
    {
        errors.Add("assistant_id", "An agent with this assistant_id already exists in this project.");
        return ApiErrors.Fields(errors);
    }

    /// <summary>
    /// The agent the body describes, starting from <paramref name="current"/>. With <paramref name="partial"/> (PATCH)
    /// a field left out keeps its value; otherwise (create, PUT) it takes its default, except the write-only secrets: a
    /// client cannot read them back, so a read-modify-write PUT would otherwise erase them.
    /// </summary>
    private static Agent Read(JsonElement body, Agent current, bool partial, FieldErrors errors)
    {
        bool Sent(string field) => !partial || body.Has(field);
        bool SentSecret(string field) => body.Has(field);
        var redactFieldsSent = body.Has("redact_fields") || NestedRedactFields(body, out _);
        return current with
        {
            AgentName = Sent("agent_name") ? JsonFields.Text(body, "agent_name", errors, 255, required: true) ?? current.AgentName : current.AgentName,
            Description = Sent("description") ? JsonFields.Text(body, "description", errors, 100_000) ?? "" : current.Description,
            AssistantId = Sent("assistant_id") ? NullIfEmpty(JsonFields.Text(body, "assistant_id", errors, 255)) : current.AssistantId,
            AssistantProvider = Sent("assistant_provider") ? JsonFields.Text(body, "assistant_provider", errors, 100) : current.AssistantProvider,
            ProviderWebhookSecret = SentSecret("provider_webhook_secret")
                ? NullIfEmpty(JsonFields.Text(body, "provider_webhook_secret", errors, 1000)) : current.ProviderWebhookSecret,
            RedactFields = !partial || redactFieldsSent ? RedactFields(body, errors) : current.RedactFields,
            Rubric = Sent("rubric") ? RubricField(body, errors) : current.Rubric,
            MetricIds = Sent("metrics") ? JsonFields.Ids(body, "metrics", errors, MaxMetrics) ?? [] : current.MetricIds,
            TopicNodes = Sent("topic_nodes") ? Nodes(body, "topic_nodes", errors) : current.TopicNodes,
            DropoffNodes = Sent("dropoff_nodes") ? Nodes(body, "dropoff_nodes", errors) : current.DropoffNodes,
            WebhookUrl = Sent("webhook_url") ? WebhookUrl(body, errors) : current.WebhookUrl,
            WebhookSecret = SentSecret("webhook_secret") ? NullIfEmpty(JsonFields.Text(body, "webhook_secret", errors, 1000)) : current.WebhookSecret,
            SilenceDurationSeconds = Sent("silence_duration") ? Seconds(body, "silence_duration", errors) : current.SilenceDurationSeconds,
            InfraIssuesTimeoutSeconds = Sent("infra_issues_timeout") ? Seconds(body, "infra_issues_timeout", errors) : current.InfraIssuesTimeoutSeconds,
        };
    }

    /// <summary>
    /// The agent's <c>metrics</c>, when sent, must be custom metrics of its project; so must the custom metrics its
    /// rubric's rules name.
    /// </summary>
    private static async Task CheckMetricsAsync(
        JsonElement body, Agent agent, IMetricStore metrics, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (body.HasValue("rubric") && !errors.Has("rubric") && agent.Rubric is { } rubric)
        {
            var named = rubric.Rules.Select(r => r.Metric).Where(id => PredefinedMetrics.Find(id) is null).Distinct().ToList();
            var exists = named.Count == 0 ? []
                : (await metrics.GetManyAsync(agent.ProjectId, named, cancellationToken)).Select(m => m.Id).ToHashSet();
            foreach (var (rule, index) in rubric.Rules.Select((r, i) => (r, i)).Where(x => named.Contains(x.r.Metric) && !exists.Contains(x.r.Metric)))
            {
                errors.Add("rubric", $"rule {index}: metric {rule.Metric} does not exist in this project.");
            }
        }
        if (!body.HasValue("metrics") || errors.Has("metrics") || agent.MetricIds.Count == 0)
        {
            return;
        }
        var found = (await metrics.GetManyAsync(agent.ProjectId, agent.MetricIds, cancellationToken)).Select(m => m.Id).ToHashSet();
        foreach (var id in agent.MetricIds.Where(id => !found.Contains(id)))
        {
            errors.Add("metrics", PredefinedMetrics.Find(id) is not null
                ? $"metric {id} is predefined: predefined metrics run on every call and are not enabled per agent"
                : $"metric {id} does not exist in this project");
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>
    /// <c>[{"name", "description"}]</c>: names non-blank and unique (ignoring case and surrounding spaces, since a
    /// classifier could not tell such names apart), descriptions optional.
    /// </summary>
    private static IReadOnlyList<AgentNode> Nodes(JsonElement body, string field, FieldErrors errors)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, "Expected a list of {\"name\", \"description\"} objects.");
            return [];
        }
        if (value.GetArrayLength() > MaxNodes)
        {
            errors.Add(field, $"Ensure this field has no more than {MaxNodes} elements.");
            return [];
        }
        var nodes = new List<AgentNode>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"item {index++}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(field, $"{at}: expected an object {{\"name\", \"description\"}}.");
                continue;
            }
            var problems = new FieldErrors();
            var name = JsonFields.Text(item, "name", problems, MaxNodeName, required: true)?.Trim();
            var description = JsonFields.Text(item, "description", problems, MaxNodeDescription) ?? "";
            foreach (var (key, messages) in problems.ToDictionary())
            {
                errors.Add(field, $"{at}: {key}: {string.Join(" ", messages)}");
            }
            if (name is null || problems.Any)
            {
                continue;
            }
            if (!names.Add(name))
            {
                errors.Add(field, $"{at}: the name \"{name}\" is used twice; names must be unique.");
                continue;
            }
            nodes.Add(new AgentNode(name, description));
        }
        return nodes;
    }

    /// <summary>An absolute http or https URL, or null / empty for none.</summary>
    private static string? WebhookUrl(JsonElement body, FieldErrors errors)
    {
        var text = JsonFields.Text(body, "webhook_url", errors, MaxUrl)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
        {
            errors.Add("webhook_url", "Enter a valid absolute http or https URL.");
            return null;
        }
        return text;
    }

    /// <summary>A positive number of seconds (a number or a numeric string), or null for the default of 10 s.</summary>
    private static double? Seconds(JsonElement body, string field, FieldErrors errors)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        double seconds = 0;
        var isNumber = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out seconds),
            JsonValueKind.String => double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out seconds),
            _ => false,
        };
        if (!isNumber || !double.IsFinite(seconds))
        {
            errors.Add(field, "A valid number is required.");
            return null;
        }
        if (seconds <= 0 || seconds > MaxThresholdSeconds)
        {
            errors.Add(field, $"Must be a number of seconds greater than 0 and at most {MaxThresholdSeconds:0}.");
            return null;
        }
        return seconds;
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
            // Custom ids (from MetricDefinition.FirstCustomId) are checked against the project in CheckMetricsAsync.
            if (!rule.TryGetProperty("metric", out var m) || m.ValueKind != JsonValueKind.Number || !m.TryGetInt64(out metric)
                || (PredefinedMetrics.Find(metric) is null && metric < MetricDefinition.FirstCustomId))
            {
                errors.Add("rubric", $"{at}: metric must be the id of a predefined metric ({string.Join(", ", PredefinedMetrics.All.Select(p => p.Id))}) or of one of the project's metrics.");
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

    /// <summary><c>provider.redact_fields</c>, Cekura's nested spelling, when <c>provider</c> is an object that has it.</summary>
    private static bool NestedRedactFields(JsonElement body, out JsonElement value)
    {
        value = default;
        return body.TryGetProperty("provider", out var provider) && provider.ValueKind == JsonValueKind.Object
            && provider.TryGetProperty("redact_fields", out value);
    }

    private static IReadOnlyList<string> RedactFields(JsonElement body, FieldErrors errors)
    {
        var hasTop = body.TryGetProperty("redact_fields", out var value);
        if (NestedRedactFields(body, out var nested))
        {
            if (hasTop && !JsonElement.DeepEquals(value, nested))
            {
                errors.Add("redact_fields", "Give redact_fields or provider.redact_fields, not both with different values.");
                return [];
            }
            value = nested;
            hasTop = true;
        }
        if (!hasTop || value.ValueKind == JsonValueKind.Null)
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
