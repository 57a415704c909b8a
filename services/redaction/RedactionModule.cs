using MassTransit;
using Cekura.Hosting.Bus;
using Cekura.Redaction.Analysis;
using Cekura.Redaction.Audio;
using Cekura.Redaction.Recognizers;
using Cekura.Redaction.Transcripts;
using Cekura.Speech.Audio;
using Cekura.Speech.VoiceActivity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cekura.Redaction;

public static class RedactionModule
{
    /// <summary>
    /// Consumes <c>CallTranscribed</c> on the <c>redaction</c> queue, publishes <c>CallRedacted</c>. Needs ffmpeg
    /// (section <c>Audio</c>) and the options of section <c>Redaction</c>.
    /// </summary>
    public static WebApplicationBuilder AddRedaction(this WebApplicationBuilder builder)
    {
        builder.Services.AddPiiRecognizers();
        builder.Services.AddRedactionStage();
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallTranscribedConsumer, CallTranscribedConsumerDefinition>();
            x.AddConsumer<CallTranscribedFaultConsumer, CallTranscribedFaultConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>
    /// The built-in offline recognizers of all 29 types: validated and context-driven identifiers with spoken forms,
    /// and lexicons for the free-text types (loaded once per process, on first use).
    /// </summary>
    public static IServiceCollection AddPiiRecognizers(this IServiceCollection services)
    {
        foreach (var recognizer in StructuredRecognizers.Create().Concat(LexiconRecognizers.Create()))
        {
            services.AddSingleton(recognizer);
        }
        return services;
    }

    /// <summary>
    /// The stage's services without the bus. The analyzer runs every <see cref="Recognizers.IPiiRecognizer"/>
    /// registered in the container, so recognizers are added as plain <c>IPiiRecognizer</c> singletons.
    /// </summary>
    public static IServiceCollection AddRedactionStage(this IServiceCollection services)
    {
        // "Redaction": {"CreditsPerMinute": 0.1, "AudioMask": "Silence", "AudioPaddingSeconds": 0.25, "ToneFrequencyHz": 1000}
        services.AddOptions<RedactionOptions>().BindConfiguration(RedactionOptions.Section).ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.AudioMask), "Redaction:AudioMask must be Silence or Tone.")
            .ValidateOnStart();
        services.AddSpeechAnalysis();
        services.TryAddSingleton<PiiAnalyzer>();
        services.TryAddSingleton<TranscriptRedactor>();
        services.TryAddSingleton(sp => new AudioMasker(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        services.TryAddScoped<CallRedactor>();
        return services;
    }
}
