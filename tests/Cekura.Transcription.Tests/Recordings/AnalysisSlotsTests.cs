using Cekura.Speech.VoiceActivity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription.Tests.Recordings;

/// <summary>
/// How many recordings the transcription module analyses at once when the operator leaves it automatic: in the
/// embedded host (ingest in the same process) half the cores, so requests are not queued behind an analysis on every
/// core; in a process of its own, every core.
/// </summary>
public sealed class AnalysisSlotsTests
{
    [Theory]
    [InlineData("all", true)]
    [InlineData("ingest,transcription", true)]
    [InlineData("transcription", false)]
    [InlineData("transcription,redaction,evaluation", false)]
    public void The_module_shares_the_cores_with_ingest_only_when_ingest_runs_in_the_process(string targets, bool shares)
    {
        using var services = Build(new() { ["Cekura:Targets"] = targets, ["VoiceActivity:Detector"] = "Energy" });

        var options = services.GetRequiredService<IOptions<VoiceActivityOptions>>().Value;
        var analyzer = services.GetRequiredService<RecordingAnalyzer>();

        Assert.Equal(shares, options.SharesCoresWithIngest);
        var expected = shares ? Math.Max(1, Environment.ProcessorCount / 2) : Environment.ProcessorCount;
        Assert.Equal(expected, analyzer.ConcurrentAnalyses);
    }

    [Fact]
    public void A_configured_number_of_analyses_is_kept_in_the_embedded_host()
    {
        using var services = Build(new() { ["Cekura:Targets"] = "all", ["VoiceActivity:Detector"] = "Energy", ["VoiceActivity:MaxConcurrentAnalyses"] = "3" });

        Assert.Equal(3, services.GetRequiredService<RecordingAnalyzer>().ConcurrentAnalyses);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTranscription();
        return builder.Services.BuildServiceProvider();
    }
}
