using Cekura.Evaluation.Llm.ChatCompletions;
using Cekura.Evaluation.Llm.Classification;
using Cekura.Evaluation.Llm.Judge;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cekura.Evaluation.Llm;

public static class LlmRegistration
{
    /// <summary>
    /// Binds section <c>Llm</c> (shape on <see cref="LlmOptions"/>), validated at start, and registers
    /// <see cref="ChatCompletionsClient"/>, <see cref="LlmJudge"/>, <see cref="TopicClassifier"/> and
    /// <see cref="DropoffClassifier"/>. Without <c>Llm:BaseUrl</c> they all resolve and report "not evaluated".
    /// </summary>
    public static IServiceCollection AddLlm(this IServiceCollection services)
    {
        services.AddOptions<LlmOptions>()
            .BindConfiguration(LlmOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.IsConfigured || IsHttpUrl(o.BaseUrl),
                "Llm:BaseUrl must be an absolute http(s) URL, the API root that holds /chat/completions "
                + "(e.g. https://api.openai.com/v1), or empty for no LLM.")
            .Validate(o => !o.IsConfigured || !string.IsNullOrWhiteSpace(o.Model),
                "Llm:Model must be set when Llm:BaseUrl is (e.g. gpt-4o-mini); every request names its model.")
            .ValidateOnStart();

        services.TryAddSingleton(new LlmRetry());
        // The per-attempt timeout is Llm:TimeoutSeconds, applied per request; HttpClient's own 100 s default would
        // otherwise cut in first when it is set higher.
        services.AddHttpClient(ChatCompletionsClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        // Singleton: the client's concurrency cap must be one per process.
        services.TryAddSingleton<ChatCompletionsClient>();
        services.TryAddSingleton<LlmJudge>();
        services.TryAddSingleton<TopicClassifier>();
        services.TryAddSingleton<DropoffClassifier>();
        return services;
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
