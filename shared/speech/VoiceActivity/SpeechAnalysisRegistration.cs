using Cekura.Speech.Audio;
using Cekura.Speech.Threading;
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
        // A worker without ffmpeg would fail every call that has a recording; refuse to start instead.
        services.AddOptions<FfmpegOptions>().BindConfiguration(FfmpegOptions.Section).ValidateDataAnnotations()
            .Validate(o => ExecutableLookup.Exists(o.FfmpegPath) && ExecutableLookup.Exists(o.FfprobePath),
                "ffmpeg/ffprobe not found: install ffmpeg (Debian: apt-get install ffmpeg) or set Audio__FfmpegPath / Audio__FfprobePath to the binaries.")
            .ValidateOnStart();
        services.AddOptions<VoiceActivityOptions>().BindConfiguration(VoiceActivityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new Ffmpeg(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        // One per process: ingest's endpoints mark their requests on it, and the analyses make room for them.
        services.TryAddSingleton<ForegroundActivity>();
        services.TryAddSingleton(sp => new RecordingAnalyzer(
            sp.GetRequiredService<Ffmpeg>(), sp.GetRequiredService<IOptions<VoiceActivityOptions>>().Value,
            sp.GetRequiredService<ForegroundActivity>()));
        return services;
    }
}
