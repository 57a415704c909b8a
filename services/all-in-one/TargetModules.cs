using Cekura.Evaluation;
using Cekura.Gateway;
using Cekura.Hosting.Options;
using Cekura.Ingest;
using Cekura.Redaction;
using Cekura.Transcription;

namespace Cekura.AllInOne;

/// <summary>Runs the modules named by <c>Cekura:Targets</c> (or <c>--target</c>), each through its own <c>AddX()</c>/<c>MapX()</c>.</summary>
public static class TargetModules
{
    /// <summary>
    /// <c>--target=ingest,evaluation</c> (or <c>--target ingest,evaluation</c>) sets <c>Cekura:Targets</c>. It is added
    /// last, so it wins over <c>Cekura__Targets</c> and appsettings.json, as a flag on the command line should.
    /// </summary>
    public static WebApplicationBuilder AddTargetFlag(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--target"] = $"{CekuraOptions.Section}:{nameof(CekuraOptions.Targets)}",
        });
        return builder;
    }

    public static WebApplicationBuilder AddTargetModules(this WebApplicationBuilder builder)
    {
        var targets = CekuraOptions.From(builder.Configuration);
        if (targets.TargetProblem() is { } problem)
        {
            throw new InvalidOperationException(problem);
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
        if (CekuraOptions.From(app.Configuration).Runs("gateway")) app.UseGateway();
        return app;
    }

    public static WebApplication MapTargetModules(this WebApplication app)
    {
        var targets = CekuraOptions.From(app.Configuration);
        if (targets.Runs("gateway")) app.MapGateway();
        if (targets.Runs("ingest")) app.MapIngest();
        return app;
    }
}

/// <summary>Names this assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class AllInOneEntryPoint;
