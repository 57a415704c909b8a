using Cekura.Speech.SpeechToText;
using Cekura.Transcription.SpeechToText.Deepgram;
using Cekura.Transcription.SpeechToText.OpenAi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription.SpeechToText;

public static class SpeechToTextRegistration
{
    /// <summary>
    /// Binds section <c>SpeechToText</c> (shape on <see cref="SpeechToTextOptions"/>), validated at start, and registers
    /// <see cref="SpeechToTextBackend"/> holding the backend of <c>SpeechToText:Provider</c> (or none), plus
    /// <see cref="ISpeechToText"/>, which only resolves when a provider is configured.
    /// </summary>
    public static IServiceCollection AddSpeechToText(this IServiceCollection services)
    {
        services.AddOptions<SpeechToTextOptions>()
            .BindConfiguration(SpeechToTextOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.IsConfigured || IsHttpUrl(o.BaseUrl),
                "SpeechToText:BaseUrl must be an absolute http(s) URL when SpeechToText:Provider is set "
                + "(e.g. https://api.openai.com/v1 for OpenAI, https://api.deepgram.com for Deepgram).")
            .ValidateOnStart();

        services.TryAddSingleton(new SpeechToTextRetry());
        // The per-attempt timeout is SpeechToText:TimeoutSeconds, applied per request; HttpClient's own 100 s default
        // would cut off long recordings first.
        services.AddHttpClient(OpenAiSpeechToText.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(DeepgramSpeechToText.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        // Singletons: the OpenAI backend remembers a server's refusal of diarized_json across calls.
        services.TryAddSingleton<OpenAiSpeechToText>();
        services.TryAddSingleton<DeepgramSpeechToText>();
        services.TryAddSingleton(sp => new SpeechToTextBackend(
            sp.GetRequiredService<IOptions<SpeechToTextOptions>>().Value.Provider switch
            {
                OpenAiSpeechToText.Provider => sp.GetRequiredService<OpenAiSpeechToText>(),
                DeepgramSpeechToText.Provider => sp.GetRequiredService<DeepgramSpeechToText>(),
                _ => null,
            }));
        services.TryAddSingleton<ISpeechToText>(sp => sp.GetRequiredService<SpeechToTextBackend>().Backend
            ?? throw new InvalidOperationException(SpeechToTextBackend.NotConfiguredMessage));
        return services;
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
