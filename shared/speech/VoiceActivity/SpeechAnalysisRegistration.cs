using Cekura.Speech.Audio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cekura.Speech.VoiceActivity;

public static class SpeechAnalysisRegistration
{
    /// <summary>
    /// Registers <see cref="Ffmpeg"/> (section <c>Audio</c>) and a singleton <see cref="RecordingAnalyzer"/>
    /// (section <c>VoiceActivity</c>), both validated at start. Safe to call from several modules in one host: the
    /// singletons are added once, so the Silero model is loaded once per process.
    /// </summary>
    public static IServiceCollection AddSpeechAnalysis(this IServiceCollection services)
    {
        services.AddOptions<FfmpegOptions>().BindConfiguration(FfmpegOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<VoiceActivityOptions>().BindConfiguration(VoiceActivityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new Ffmpeg(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        services.TryAddSingleton(sp => new RecordingAnalyzer(
            sp.GetRequiredService<Ffmpeg>(), sp.GetRequiredService<IOptions<VoiceActivityOptions>>().Value));
        return services;
    }
}
