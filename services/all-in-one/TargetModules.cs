using Cekura.Evaluation;
using Cekura.Gateway;
using Cekura.Hosting.Options;
using Cekura.Ingest;
using Cekura.Redaction;
using Cekura.Transcription;

namespace Cekura.AllInOne;

/// <summary>Runs the modules named by <c>Cekura:Targets</c> through the same extension methods as each service's own executable.</summary>
public static class TargetModules
{
    public static WebApplicationBuilder AddTargetModules(this WebApplicationBuilder builder)
    {
        var targets = Targets(builder.Configuration);
        var unknown = targets.TargetSet.Except(CekuraOptions.Modules).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown Cekura:Targets {string.Join(", ", unknown)}; use 'all' or some of {string.Join(", ", CekuraOptions.Modules)}.");
        }
        if (targets.Runs("gateway")) builder.AddGateway();
        if (targets.Runs("ingest")) builder.AddIngest();
        if (targets.Runs("transcription")) builder.AddTranscription();
        if (targets.Runs("redaction")) builder.AddRedaction();
        if (targets.Runs("evaluation")) builder.AddEvaluation();
        return builder;
    }

    public static WebApplication UseTargetModules(this WebApplication app)
    {
        if (Targets(app.Configuration).Runs("gateway")) app.UseGateway();
        return app;
    }

    public static WebApplication MapTargetModules(this WebApplication app)
    {
        var targets = Targets(app.Configuration);
        if (targets.Runs("gateway")) app.MapGateway();
        if (targets.Runs("ingest")) app.MapIngest();
        return app;
    }

    private static CekuraOptions Targets(IConfiguration configuration) =>
        configuration.GetSection(CekuraOptions.Section).Get<CekuraOptions>() ?? new CekuraOptions();
}

/// <summary>Names this assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class AllInOneEntryPoint;
