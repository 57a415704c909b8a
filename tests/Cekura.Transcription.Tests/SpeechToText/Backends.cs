using Cekura.Transcription.SpeechToText;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.Transcription.Tests.SpeechToText;

/// <summary>Builds the backend through the real <c>AddSpeechToText</c> registration from configuration values, with the
/// default retry policy except that its waits are recorded instead of spent.</summary>
public sealed class Backends : IDisposable
{
    public const string ApiKey = "sk-test-5ecret-k3y";

    private readonly ServiceProvider _services;

    /// <summary>The waits the retry policy asked for, recorded instead of spent.</summary>
    public List<TimeSpan> Waits { get; } = [];

    public Backends(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(new SpeechToTextRetry
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
        services.AddSpeechToText();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static Backends For(string provider, string baseUrl, string? model = null, int timeoutSeconds = 30, int maxAttempts = 3) =>
        new(new Dictionary<string, string?>
        {
            ["SpeechToText:Provider"] = provider,
            ["SpeechToText:BaseUrl"] = baseUrl,
            ["SpeechToText:ApiKey"] = ApiKey,
            ["SpeechToText:Model"] = model,
            ["SpeechToText:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SpeechToText:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public IServiceProvider Services => _services;

    public SpeechToTextBackend Backend => _services.GetRequiredService<SpeechToTextBackend>();

    public void Dispose() => _services.Dispose();
}
