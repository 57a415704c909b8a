namespace Cekura.Transcription.SpeechToText;

/// <summary>
/// The configured speech-to-text backend, or none. Inject this rather than <see cref="ISpeechToText"/>: a server
/// without a provider starts normally and a <c>none-mono</c> call then fails with <see cref="NotConfiguredMessage"/>.
/// </summary>
public sealed class SpeechToTextBackend(ISpeechToText? backend)
{
    public const string NotConfiguredMessage =
        "Speech-to-text is not configured on this server (set SpeechToText:Provider, SpeechToText:BaseUrl and "
        + "SpeechToText:ApiKey), so a none-mono recording cannot be transcribed.";

    public ISpeechToText? Backend { get; } = backend;

    public bool IsConfigured => Backend is not null;

    /// <summary>Transcribes with the configured backend.</summary>
    /// <exception cref="SpeechToTextException">No backend is configured (<see cref="NotConfiguredMessage"/>), or it
    /// failed; the message is meant for the call's <c>error_message</c>.</exception>
    public Task<SpeechToTextResult> TranscribeAsync(string audioPath, string contentType, CancellationToken ct) =>
        Backend is { } backend
            ? backend.TranscribeAsync(audioPath, contentType, ct)
            : throw new SpeechToTextException(NotConfiguredMessage);
}
