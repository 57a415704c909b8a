using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cekura.Speech.Tests.VoiceActivity;

public sealed class VoiceActivityOptionsTests
{
    [Fact]
    public void An_offset_threshold_above_the_onset_is_rejected()
    {
        var options = new VoiceActivityOptions { OnsetThreshold = 0.4, OffsetThreshold = 0.6 };

        var error = Assert.Throws<ArgumentException>(options.EnsureValid);
        Assert.Contains("OffsetThreshold", error.Message);
    }

    [Theory]
    // Automatic: one per core, or half the cores (at least one) when the process also answers Send Calls.
    [InlineData(0, false, 2, 2)]
    [InlineData(0, true, 2, 1)]
    [InlineData(0, true, 1, 1)]
    [InlineData(0, true, 8, 4)]
    [InlineData(0, true, 3, 1)]
    // A configured number is kept either way.
    [InlineData(3, true, 8, 3)]
    [InlineData(3, false, 2, 3)]
    public void Automatic_concurrent_analyses_leave_half_the_cores_to_ingest_in_the_same_process(
        int configured, bool sharesCoresWithIngest, int cores, int expected)
    {
        var options = new VoiceActivityOptions { MaxConcurrentAnalyses = configured, SharesCoresWithIngest = sharesCoresWithIngest };

        Assert.Equal(expected, options.ResolveConcurrentAnalyses(cores));
    }

    [Fact]
    public void AddSpeechAnalysis_binds_the_VoiceActivity_section()
    {
        using var provider = Services(new() { ["VoiceActivity:Detector"] = "Energy", ["VoiceActivity:MinSilenceMs"] = "250" });

        var analyzer = provider.GetRequiredService<RecordingAnalyzer>();

        Assert.Equal("energy", analyzer.Detector);
        Assert.Equal(250, provider.GetRequiredService<IOptions<VoiceActivityOptions>>().Value.MinSilenceMs);
        Assert.Same(analyzer, provider.GetRequiredService<RecordingAnalyzer>());
    }

    [Fact]
    public void AddSpeechAnalysis_rejects_an_invalid_section()
    {
        using var provider = Services(new() { ["VoiceActivity:OnsetThreshold"] = "0.3", ["VoiceActivity:OffsetThreshold"] = "0.5" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VoiceActivityOptions>>().Value);
        Assert.Contains("OffsetThreshold", error.Message);
    }

    [Fact]
    public void AddSpeechAnalysis_refuses_an_ffprobe_that_is_not_there()
    {
        using var provider = Services(new() { ["Audio:FfprobePath"] = "/nonexistent/ffprobe" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FfmpegOptions>>().Value);
        Assert.Contains("ffmpeg/ffprobe not found", error.Message);
        using var defaults = Services(new());
        Assert.Equal("ffprobe", defaults.GetRequiredService<IOptions<FfmpegOptions>>().Value.FfprobePath);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSpeechAnalysis();
        return services.BuildServiceProvider();
    }
}
