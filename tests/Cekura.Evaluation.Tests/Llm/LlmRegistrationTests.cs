using Cekura.Evaluation.Llm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.Tests.Llm;

public sealed class LlmRegistrationTests
{
    [Fact]
    public void Without_settings_everything_resolves_and_nothing_is_configured()
    {
        using var llm = LlmServices.NotConfigured();

        var options = llm.Services.GetRequiredService<IOptions<LlmOptions>>().Value;

        Assert.False(options.IsConfigured);
        Assert.Equal((60, 3, 4, 0d, 60_000), (options.TimeoutSeconds, options.MaxRetries, options.MaxConcurrency, options.Temperature!.Value,
            options.MaxTranscriptCharacters));
        Assert.NotNull(llm.Judge);
        Assert.NotNull(llm.Topics);
        Assert.NotNull(llm.Dropoffs);
    }

    [Theory]
    [InlineData("https://api.openai.com/v1", "", "Llm:Model must be set when Llm:BaseUrl is")]
    [InlineData("api.openai.com/v1", "gpt-4o-mini", "Llm:BaseUrl must be an absolute http(s) URL")]
    [InlineData("ftp://models.internal/v1", "gpt-4o-mini", "Llm:BaseUrl must be an absolute http(s) URL")]
    public void An_endpoint_without_a_model_or_with_a_bad_url_fails_validation(string baseUrl, string model, string message)
    {
        using var llm = new LlmServices(new Dictionary<string, string?> { ["Llm:BaseUrl"] = baseUrl, ["Llm:Model"] = model });

        var error = Assert.Throws<OptionsValidationException>(() => llm.Services.GetRequiredService<IOptions<LlmOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Llm:MaxConcurrency", "0")]
    [InlineData("Llm:TimeoutSeconds", "0")]
    [InlineData("Llm:MaxRetries", "11")]
    [InlineData("Llm:Temperature", "2.4")]
    [InlineData("Llm:Temperature", "-0.1")]
    public void Out_of_range_numbers_fail_validation(string key, string value)
    {
        using var llm = new LlmServices(new Dictionary<string, string?> { [key] = value });

        Assert.Throws<OptionsValidationException>(() => llm.Services.GetRequiredService<IOptions<LlmOptions>>().Value);
    }
}
