using Microsoft.AspNetCore.OpenApi;
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
            paths[path.EndsWith('/') ? path : path + "/"] = item;
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
        return Task.CompletedTask;
    }
}
