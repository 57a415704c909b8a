using Cekura.Hosting.Calls.Views;
using System.ComponentModel;
using System.Text.Json;
using Cekura.Contracts.Metrics;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tenancy;
using Cekura.Ingest.Api;
using Cekura.Ingest.CallLogs;

namespace Cekura.Ingest.Metrics;

/// <summary>
/// A project's metric at <c>/test_framework/v1/metrics/</c>. <c>agents</c> is not stored on the metric: it lists the
/// project's agents whose <c>metrics</c> hold it.
/// </summary>
public sealed record MetricView(
    long Id, string Name, string Description, string Type, string EvalType, IReadOnlyList<string> EnumValues, string? Prompt,
    string? CustomCode, JsonElement? Configuration, IReadOnlyList<long> Agents, long Project, string CreatedAt, string UpdatedAt)
{
    public static MetricView From(MetricDefinition m, IReadOnlyList<long> agents) => new(
        m.Id, m.Name, m.Description, m.Type, m.EvalType, m.EnumValues, m.Prompt, m.CustomCode, m.Configuration, agents,
        m.ProjectId, CallLogViews.Iso(m.CreatedAt), CallLogViews.Iso(m.UpdatedAt));
}

/// <summary>A catalogue entry at <c>/test_framework/v1/predefined-metrics-external/</c>; every call is evaluated on all of them.</summary>
public sealed record PredefinedMetricView(long Id, string Name, string Description, string Type, string EvalType, IReadOnlyList<string> EnumValues)
{
    public static PredefinedMetricView From(PredefinedMetric m) =>
        new(m.Id, m.Name, m.Description, MetricTypes.Predefined, m.Type, m.EnumValues);
}

/// <summary>
/// The body of <c>POST</c>, <c>PUT</c> and <c>PATCH</c> on metrics (documents the OpenAPI schema; the endpoints read the
/// JSON themselves). PATCH takes any subset of the fields.
/// </summary>
public sealed record CreateMetricDocument
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    [Description("llm_judge or custom_code (predefined metrics cannot be created).")]
    public required string Type { get; init; }

    [Description("binary, numeric, continuous_qualitative (0-100) or enum.")]
    public required string EvalType { get; init; }

    [Description("The categories of an enum metric: required, non-empty and distinct for enum; refused for the others.")]
    public IReadOnlyList<string>? EnumValues { get; init; }

    [Description("llm_judge: the criterion, with {{variables}}; a prompt or a description is required.")]
    public string? Prompt { get; init; }

    [Description("custom_code: JavaScript that reads data and sets _result and _explanation; its syntax is checked.")]
    public string? CustomCode { get; init; }

    [Description("Any JSON object, kept as sent.")]
    public JsonElement? Configuration { get; init; }

    [Description("Ids of the project's agents to enable the metric on; when sent, exactly these agents enable it.")]
    public IReadOnlyList<long>? Agents { get; init; }

    [Description("Cekura's single-agent form of agents.")]
    public long? Agent { get; init; }
}

/// <summary>Custom metrics (LLM judges and custom code) and the catalogue of predefined ones.</summary>
public static class MetricsApi
{
    private const int MaxText = 100_000;
    private const int MaxEnumValues = 100;
    private const int MaxAgents = 100;
    private const string Route = "/test_framework/v1/metrics/{id:long}/";

    public static RouteGroupBuilder MapMetricsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/test_framework/v1/metrics/", CreateAsync)
            .WithName("CreateMetric")
            .WithSummary("Create an llm_judge or custom_code metric; agents (or agent) enables it on those agents of the project.")
            .Accepts<CreateMetricDocument>("application/json")
            .Produces<MetricView>(StatusCodes.Status201Created)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet("/test_framework/v1/metrics/", ListAsync)
            .WithName("ListMetrics")
            .WithSummary("The project's metrics in creation order. Query: page, page_size (at most 100), agent_id (only the metrics enabled on that agent).")
            .Produces<Page<MetricView>>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        group.MapGet(Route, GetAsync)
            .WithName("GetMetric")
            .Produces<MetricView>()
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPatch(Route, PatchAsync)
            .WithName("UpdateMetric")
            .WithSummary("Change some of a metric's fields; agents, when sent, becomes the exact list of agents it is enabled on.")
            .Accepts<CreateMetricDocument>("application/json")
            .Produces<MetricView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapPut(Route, ReplaceAsync)
            .WithName("ReplaceMetric")
            .WithSummary("Replace a metric under create's rules; agents, when sent, becomes the exact list of agents it is enabled on.")
            .Accepts<CreateMetricDocument>("application/json")
            .Produces<MetricView>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapDelete(Route, DeleteAsync)
            .WithName("DeleteMetric")
            .WithSummary("Delete a metric; it is first removed from the metrics of every agent that enabled it.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorDetail>(StatusCodes.Status404NotFound);
        group.MapGet("/test_framework/v1/predefined-metrics-external/", ListPredefined)
            .WithName("ListPredefinedMetrics")
            .WithSummary("The predefined metrics (stable ids), evaluated on every call. Query: page, page_size (default and most 100).")
            .Produces<Page<PredefinedMetricView>>()
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IMetricStore metrics, IAgentStore agents, TimeProvider clock)
    {
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var tenant = http.Tenant();
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        var blank = new MetricDefinition
        {
            OrganizationId = tenant.OrganizationId, ProjectId = tenant.ProjectId, Name = "", Type = "", EvalType = "", CreatedAt = now,
        };
        var metric = Read(body, blank, partial: false, errors) with { UpdatedAt = now };
        var enableOn = await ReadAgentsAsync(body, tenant.ProjectId, agents, errors, http.RequestAborted);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        var created = await metrics.CreateAsync(metric, http.RequestAborted);
        if (enableOn is not null)
        {
            await agents.SetMetricAgentsAsync(tenant.ProjectId, created.Id, enableOn, now, http.RequestAborted);
        }
        return Results.Json(await ViewAsync(created, agents, http.RequestAborted), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IMetricStore metrics, IAgentStore agents, PublicOrigin origin)
    {
        var errors = new FieldErrors();
        var (page, pageSize) = Paging.Read(http.Request, 20, errors);
        var agentId = Paging.OptionalId(http.Request, "agent_id", errors);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        var projectId = http.Tenant().ProjectId;
        var (count, items) = await metrics.ListAsync(projectId, page, pageSize, agentId, http.RequestAborted);
        var enabling = await agents.ListEnablingAsync(projectId, items.Select(m => m.Id).ToList(), http.RequestAborted);
        var views = items
            .Select(m => MetricView.From(m, enabling.Where(a => a.MetricIds.Contains(m.Id)).Select(a => a.Id).ToList()))
            .ToList();
        return Results.Json(Paging.Of(origin, http.Request, count, page, pageSize, views));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IMetricStore metrics, IAgentStore agents)
    {
        var metric = await metrics.GetAsync(http.Tenant().ProjectId, id, http.RequestAborted);
        return metric is null ? ApiErrors.NotFound() : Results.Json(await ViewAsync(metric, agents, http.RequestAborted));
    }

    private static Task<IResult> PatchAsync(long id, HttpContext http, IMetricStore metrics, IAgentStore agents, TimeProvider clock) =>
        ChangeAsync(id, http, metrics, agents, clock, partial: true);

    private static Task<IResult> ReplaceAsync(long id, HttpContext http, IMetricStore metrics, IAgentStore agents, TimeProvider clock) =>
        ChangeAsync(id, http, metrics, agents, clock, partial: false);

    private static async Task<IResult> ChangeAsync(
        long id, HttpContext http, IMetricStore metrics, IAgentStore agents, TimeProvider clock, bool partial)
    {
        var projectId = http.Tenant().ProjectId;
        var current = await metrics.GetAsync(projectId, id, http.RequestAborted);
        if (current is null)
        {
            return ApiErrors.NotFound();
        }
        var (body, refusal) = await JsonFields.ReadObjectAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        var changed = Read(body, current, partial, errors) with { UpdatedAt = now };
        var enableOn = await ReadAgentsAsync(body, projectId, agents, errors, http.RequestAborted);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        var saved = await metrics.UpdateAsync(changed, http.RequestAborted);
        if (saved is null)
        {
            return ApiErrors.NotFound();
        }
        if (enableOn is not null)
        {
            await agents.SetMetricAgentsAsync(projectId, id, enableOn, now, http.RequestAborted);
        }
        return Results.Json(await ViewAsync(saved, agents, http.RequestAborted));
    }

    private static async Task<IResult> DeleteAsync(long id, HttpContext http, IMetricStore metrics, IAgentStore agents, TimeProvider clock)
    {
        var projectId = http.Tenant().ProjectId;
        if (await metrics.GetAsync(projectId, id, http.RequestAborted) is null)
        {
            return ApiErrors.NotFound();
        }
        // Agents first: should the delete then fail, the metric is merely enabled nowhere, never named by an agent
        // after it is gone.
        await agents.SetMetricAgentsAsync(projectId, id, [], clock.GetUtcNow(), http.RequestAborted);
        return await metrics.DeleteAsync(projectId, id, http.RequestAborted) ? Results.NoContent() : ApiErrors.NotFound();
    }

    private static IResult ListPredefined(HttpContext http, PublicOrigin origin)
    {
        var errors = new FieldErrors();
        var (page, pageSize) = Paging.Read(http.Request, Paging.MaxPageSize, errors);
        if (errors.Any)
        {
            return ApiErrors.Fields(errors);
        }
        var all = PredefinedMetrics.All;
        var items = all.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).Select(PredefinedMetricView.From).ToList();
        return Results.Json(Paging.Of(origin, http.Request, all.Count, page, pageSize, items));
    }

    private static async Task<MetricView> ViewAsync(MetricDefinition metric, IAgentStore agents, CancellationToken cancellationToken)
    {
        var enabling = await agents.ListEnablingAsync(metric.ProjectId, [metric.Id], cancellationToken);
        return MetricView.From(metric, enabling.Select(a => a.Id).ToList());
    }

    /// <summary>
    /// The metric the body describes, starting from <paramref name="current"/>: with <paramref name="partial"/> (PATCH)
    /// a field left out keeps its value, otherwise (create, PUT) it takes its default. Then the rules that tie fields
    /// together are checked on the result (see <see cref="CheckKind"/>).
    /// </summary>
    private static MetricDefinition Read(JsonElement body, MetricDefinition current, bool partial, FieldErrors errors)
    {
        bool Sent(string field) => !partial || body.Has(field);
        var metric = current with
        {
            Name = Sent("name") ? JsonFields.Text(body, "name", errors, 255, required: true) ?? current.Name : current.Name,
            Description = Sent("description") ? JsonFields.Text(body, "description", errors, MaxText) ?? "" : current.Description,
            Type = Sent("type") ? MetricType(body, errors) ?? current.Type : current.Type,
            EvalType = Sent("eval_type") ? Choice(body, "eval_type", MetricEvalTypes.All, errors) ?? current.EvalType : current.EvalType,
            EnumValues = Sent("enum_values") ? EnumValues(body, errors) : current.EnumValues,
            Prompt = Sent("prompt") ? NullIfEmpty(JsonFields.Text(body, "prompt", errors, MaxText)) : current.Prompt,
            CustomCode = Sent("custom_code") ? NullIfEmpty(JsonFields.Text(body, "custom_code", errors, MaxText)) : current.CustomCode,
            Configuration = Sent("configuration") ? Configuration(body, errors) : current.Configuration,
        };
        return CheckKind(body, metric, errors);
    }

    /// <summary>
    /// An llm_judge needs a criterion (prompt, else its description) and has no code; custom_code needs code that
    /// parses and has no prompt; only an enum metric has enum_values. A field of the other kind that the request did
    /// not send is dropped, so a PATCH that only changes <c>type</c> or <c>eval_type</c> does not trip over old values.
    /// </summary>
    private static MetricDefinition CheckKind(JsonElement body, MetricDefinition metric, FieldErrors errors)
    {
        if (metric.Type == MetricTypes.LlmJudge)
        {
            if (body.HasValue("custom_code") && !errors.Has("custom_code"))
            {
                errors.Add("custom_code", "Only custom_code metrics have custom_code; this metric's type is llm_judge.");
            }
            if (string.IsNullOrWhiteSpace(metric.Prompt) && string.IsNullOrWhiteSpace(metric.Description) && !errors.Has("prompt"))
            {
                errors.Add("prompt", "An llm_judge metric needs a prompt (or a description) stating what to judge.");
            }
            metric = metric with { CustomCode = null };
        }
        else if (metric.Type == MetricTypes.CustomCode)
        {
            if (body.HasValue("prompt") && !errors.Has("prompt"))
            {
                errors.Add("prompt", "Only llm_judge metrics have a prompt; this metric's type is custom_code.");
            }
            if (string.IsNullOrWhiteSpace(metric.CustomCode))
            {
                if (!errors.Has("custom_code"))
                {
                    errors.Add("custom_code", "This field is required for a custom_code metric.");
                }
            }
            else if (CustomCodeSyntax.Check(metric.CustomCode) is { } problem)
            {
                errors.Add("custom_code", problem);
            }
            metric = metric with { Prompt = null };
        }

        if (metric.EvalType == MetricEvalTypes.Enum)
        {
            if (metric.EnumValues.Count == 0 && !errors.Has("enum_values"))
            {
                errors.Add("enum_values", "An enum metric needs a non-empty list of distinct values.");
            }
        }
        else if (metric.EvalType.Length > 0)
        {
            if (body.TryGetProperty("enum_values", out var sent) && sent.ValueKind == JsonValueKind.Array && sent.GetArrayLength() > 0)
            {
                errors.Add("enum_values", $"Only enum metrics have enum_values; this metric's eval_type is {metric.EvalType}.");
            }
            metric = metric with { EnumValues = [] };
        }
        return metric;
    }

    private static string? MetricType(JsonElement body, FieldErrors errors)
    {
        var type = JsonFields.Text(body, "type", errors, 50, required: true);
        if (type == MetricTypes.Predefined)
        {
            errors.Add("type", "Predefined metrics cannot be created: they are listed at /test_framework/v1/predefined-metrics-external/ "
                + "and evaluated on every call. Use llm_judge or custom_code.");
            return null;
        }
        return type is null ? null : Choice(type, "type", MetricTypes.Creatable, errors);
    }

    private static string? Choice(JsonElement body, string field, IReadOnlyList<string> choices, FieldErrors errors) =>
        JsonFields.Text(body, field, errors, 50, required: true) is { } value ? Choice(value, field, choices, errors) : null;

    private static string? Choice(string value, string field, IReadOnlyList<string> choices, FieldErrors errors)
    {
        if (choices.Contains(value))
        {
            return value;
        }
        errors.Add(field, $"\"{value}\" is not a valid choice. Valid choices: {string.Join(", ", choices)}.");
        return null;
    }

    /// <summary>Distinct non-blank strings; null or absent is none.</summary>
    private static IReadOnlyList<string> EnumValues(JsonElement body, FieldErrors errors)
    {
        const string field = "enum_values";
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, $"Expected a list of strings but got type \"{ApiErrors.KindName(value.ValueKind)}\".");
            return [];
        }
        if (value.GetArrayLength() > MaxEnumValues)
        {
            errors.Add(field, $"Ensure this field has no more than {MaxEnumValues} elements.");
            return [];
        }
        var values = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                errors.Add(field, $"Each value must be a non-blank string; got {JsonFields.Shown(item)}.");
            }
            else if (item.GetString()!.Length > 255)
            {
                errors.Add(field, "Each value may have at most 255 characters.");
            }
            else if (values.Contains(item.GetString()!))
            {
                errors.Add(field, $"\"{item.GetString()}\" is listed twice; values must be distinct.");
            }
            else
            {
                values.Add(item.GetString()!);
            }
        }
        return values;
    }

    private static JsonElement? Configuration(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("configuration", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("configuration", $"Expected a dictionary of items but got type \"{ApiErrors.KindName(value.ValueKind)}\".");
            return null;
        }
        return value.Clone();
    }

    /// <summary>
    /// The agents to enable the metric on: <c>agents</c> (a list of ids) or Cekura's single <c>agent</c>; null when the
    /// request sent neither (enabling stays as it is), empty when it sent null or <c>[]</c>. Each must be an agent of
    /// the project.
    /// </summary>
    private static async Task<IReadOnlyList<long>?> ReadAgentsAsync(
        JsonElement body, long projectId, IAgentStore agents, FieldErrors errors, CancellationToken cancellationToken)
    {
        IReadOnlyList<long>? ids;
        string field;
        if (body.Has("agents") && body.Has("agent"))
        {
            errors.Add("agent", "Give agents (a list) or agent (one id), not both.");
            return null;
        }
        if (body.Has("agent"))
        {
            field = "agent";
            var value = body.GetProperty("agent");
            if (value.ValueKind == JsonValueKind.Null)
            {
                ids = [];
            }
            else if (JsonFields.Id(value) is { } id)
            {
                ids = [id];
            }
            else
            {
                errors.Add(field, $"Incorrect type. Expected pk value, received {JsonFields.Shown(value)}.");
                return null;
            }
        }
        else
        {
            field = "agents";
            ids = JsonFields.Ids(body, field, errors, MaxAgents) ?? (body.Has(field) ? [] : null);
        }
        if (ids is null || errors.Has(field))
        {
            return null;
        }
        foreach (var id in ids)
        {
            if (await agents.GetAsync(projectId, id, cancellationToken) is null)
            {
                errors.Add(field, $"agent {id} does not exist in this project");
            }
        }
        return ids;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
