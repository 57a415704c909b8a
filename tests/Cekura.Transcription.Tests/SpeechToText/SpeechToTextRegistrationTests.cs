using Cekura.Speech.SpeechToText;
using Cekura.Transcription.SpeechToText;
using Cekura.Transcription.SpeechToText.Deepgram;
using Cekura.Transcription.SpeechToText.OpenAi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription.Tests.SpeechToText;

public sealed class SpeechToTextRegistrationTests
{
    [Fact]
    public async Task Without_a_provider_the_backend_is_absent_and_transcribing_says_how_to_configure_one()
    {
        using var backends = new Backends(new Dictionary<string, string?>());
        backends.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.False(backends.Backend.IsConfigured);
        Assert.Null(backends.Backend.Backend);
        var error = await Assert.ThrowsAsync<SpeechToTextException>(
            () => backends.Backend.TranscribeAsync("call.wav", "audio/wav", CancellationToken.None));
        Assert.Equal(SpeechToTextBackend.NotConfiguredMessage, error.Message);
        Assert.Equal(SpeechToTextBackend.NotConfiguredMessage,
            Assert.Throws<InvalidOperationException>(() => backends.Services.GetRequiredService<ISpeechToText>()).Message);
    }

    [Theory]
    [InlineData("OpenAI", typeof(OpenAiSpeechToText))]
    [InlineData("Deepgram", typeof(DeepgramSpeechToText))]
    public void The_configured_provider_is_the_backend(string provider, Type expected)
    {
        using var backends = Backends.For(provider, "https://stt.example.test/v1");
        backends.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType(expected, backends.Backend.Backend);
        Assert.Same(backends.Backend.Backend, backends.Services.GetRequiredService<ISpeechToText>());
    }

    [Theory]
    [InlineData("api.openai.com/v1")]
    [InlineData("ftp://stt.example.test")]
    [InlineData("")]
    public void A_provider_without_an_absolute_http_base_url_fails_validation_at_start(string baseUrl)
    {
        using var backends = Backends.For("OpenAI", baseUrl);

        var error = Assert.Throws<OptionsValidationException>(
            () => backends.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("SpeechToText:BaseUrl must be an absolute http(s) URL", error.Message);
    }

    [Fact]
    public void An_unknown_provider_fails_validation_at_start()
    {
        using var backends = Backends.For("Whisper", "http://127.0.0.1:9000");

        var error = Assert.Throws<OptionsValidationException>(
            () => backends.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("SpeechToText:Provider must be OpenAI, Deepgram or empty", error.Message);
    }

    [Fact]
    public void Defaults_are_five_minutes_per_attempt_and_three_attempts()
    {
        using var backends = new Backends(new Dictionary<string, string?> { ["SpeechToText:Provider"] = "Deepgram", ["SpeechToText:BaseUrl"] = "https://api.deepgram.com" });

        var options = backends.Services.GetRequiredService<IOptions<SpeechToTextOptions>>().Value;

        Assert.Equal((300, 3), (options.TimeoutSeconds, options.MaxAttempts));
    }
}
