using System.ComponentModel.DataAnnotations;

namespace Cekura.Speech.SpeechToText;

/// <summary>
/// The speech-to-text backend that transcribes <c>none-mono</c> recordings. Section <c>SpeechToText</c>:
/// <code>{"SpeechToText": {"Provider": "OpenAI", "BaseUrl": "https://api.openai.com/v1", "ApiKey": "...",
///   "Model": "gpt-4o-transcribe-diarize", "TimeoutSeconds": 300, "MaxAttempts": 3}}</code>
/// No provider means none: ingest then refuses <c>none-mono</c> calls with a 400 that says how to configure one.
/// Ingest reads it only to know whether a backend exists; the transcription stage calls the backend.
/// </summary>
public sealed class SpeechToTextOptions
{
    public const string Section = "SpeechToText";

    /// <summary><c>OpenAI</c> (any OpenAI-compatible <c>/audio/transcriptions</c>) or <c>Deepgram</c>; empty = none.</summary>
    [RegularExpression("^(|OpenAI|Deepgram)$", ErrorMessage = "SpeechToText:Provider must be OpenAI, Deepgram or empty.")]
    public string? Provider { get; set; }

    /// <summary>OpenAI: the API root that holds <c>/audio/transcriptions</c> (e.g. <c>https://api.openai.com/v1</c>);
    /// Deepgram: the host root (e.g. <c>https://api.deepgram.com</c>), to which <c>/v1/listen</c> is added.</summary>
    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The model name sent to the backend; each backend has a default.</summary>
    public string? Model { get; set; }

    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 300;

    /// <summary>Attempts per recording, with backoff, for timeouts, 429 and 5xx answers.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Provider);
}
