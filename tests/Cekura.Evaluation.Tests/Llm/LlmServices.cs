using System.Globalization;
using Cekura.Evaluation.Llm;
using Cekura.Evaluation.Llm.ChatCompletions;
using Cekura.Evaluation.Llm.Classification;
using Cekura.Evaluation.Llm.Judge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.Evaluation.Tests.Llm;

/// <summary>Builds the LLM services through the real <c>AddLlm</c> registration from configuration values, with the
/// default retry policy except that its waits are recorded instead of spent.</summary>
public sealed class LlmServices : IDisposable
{
    public const string ApiKey = "sk-test-llm-5ecret-k3y";
    public const string Model = "gpt-test-mini";

    private readonly ServiceProvider _services;

    /// <summary>The waits the retry policy asked for, recorded instead of spent.</summary>
    public List<TimeSpan> Waits { get; } = [];

    public LlmServices(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(new LlmRetry
        {
            Wait = (wait, _) =>
            {
                lock (Waits)
                {
                    Waits.Add(wait);
                }
                return Task.CompletedTask;
            },
        });
        services.AddLlm();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static LlmServices For(string baseUrl, int maxRetries = 3, int maxConcurrency = 4, int timeoutSeconds = 30,
        int maxTranscriptCharacters = 60_000, string? temperature = "0") =>
        new(new Dictionary<string, string?>
        {
            ["Llm:BaseUrl"] = baseUrl,
            ["Llm:ApiKey"] = ApiKey,
            ["Llm:Model"] = Model,
            ["Llm:MaxRetries"] = maxRetries.ToString(CultureInfo.InvariantCulture),
            ["Llm:MaxConcurrency"] = maxConcurrency.ToString(CultureInfo.InvariantCulture),
            ["Llm:TimeoutSeconds"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Llm:MaxTranscriptCharacters"] = maxTranscriptCharacters.ToString(CultureInfo.InvariantCulture),
            ["Llm:Temperature"] = temperature,
        });

    public static LlmServices NotConfigured() => new(new Dictionary<string, string?>());

    public IServiceProvider Services => _services;

    public LlmJudge Judge => _services.GetRequiredService<LlmJudge>();

    public TopicClassifier Topics => _services.GetRequiredService<TopicClassifier>();

    public DropoffClassifier Dropoffs => _services.GetRequiredService<DropoffClassifier>();

    public void Dispose() => _services.Dispose();
}
