using Microsoft.AspNetCore.OpenApi;
using Cekura.Hosting.Calls.Views;
using Microsoft.OpenApi;

namespace Cekura.Ingest.Api;

/// <summary>
/// Makes the generated document match the public API: every path ends with <c>/</c> as Cekura's do (routing
/// matches either form, the generator drops the slash), and the <c>X-CEKURA-API-KEY</c> header is required.
/// </summary>
public sealed class CekuraDocumentTransformer : IOpenApiDocumentTransformer
{
    private const string SchemeId = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Cekura-compatible observability API";
        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths)
        {
            // OTLP's path is fixed by the protocol (exporters append exactly /v1/traces), so it keeps its form.
            paths[path.EndsWith('/') || path == Hosting.Traces.OtlpHttp.TracesPath ? path : path + "/"] = item;
        }
        document.Paths = paths;

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-CEKURA-API-KEY",
            Description = "API key of a project; the gateway maps it to the organisation and project.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, document)] = [] });
        AddGatewayResponses(document);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The answers the gateway gives before a request reaches an endpoint, on every operation: a missing or unknown key
    /// (401), the key's rate limit (429 with Retry-After), a body over the route's limit (413) and the request timeout
    /// (504), all as <c>{"detail"}</c>; and the partial answer of a ranged recording download (206).
    /// </summary>
    private static void AddGatewayResponses(OpenApiDocument document)
    {
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.Responses ??= [];
                Add(operation, "401", "Missing or unknown API key (a tokened webhook URL: unknown token or bad signature).", document);
                Add(operation, "429", "The key's rate limit; Retry-After says when to try again.", document, retryAfter: true);
                if (operation.RequestBody is not null)
                {
                    Add(operation, "413", "The body is over the gateway's limit for this route.", document);
                }
                Add(operation, "504", "The request took longer than the gateway's timeout.", document);
                if (path.EndsWith("/recording/", StringComparison.Ordinal) && method == HttpMethod.Get
                    && operation.Responses.TryGetValue("200", out var whole) && whole is OpenApiResponse full)
                {
                    operation.Responses.TryAdd("206", new OpenApiResponse
                    {
                        Description = "The byte range asked for with a Range header (the recording answers Range requests).",
                        Content = full.Content,
                    });
                }
            }
        }
    }

    private static void Add(OpenApiOperation operation, string status, string description, OpenApiDocument document, bool retryAfter = false)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(ErrorDetail), document) },
            },
        };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds until a request may succeed.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        }
        operation.Responses[status] = response;
    }
}
