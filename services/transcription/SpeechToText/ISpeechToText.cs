using Cekura.Contracts.Calls;

namespace Cekura.Transcription.SpeechToText;

/// <summary>Turns a mono call recording into the canonical transcript, deciding which speaker is the agent.</summary>
public interface ISpeechToText
{
    /// <param name="audioPath">A local file; it is streamed to the backend, never read whole into memory.</param>
    /// <param name="contentType">Its media type, e.g. <c>audio/wav</c> or <c>audio/mpeg</c>.</param>
    /// <exception cref="SpeechToTextException">The backend failed or heard no speech; the message says why.</exception>
    Task<SpeechToTextResult> TranscribeAsync(string audioPath, string contentType, CancellationToken ct);
}

/// <summary>A transcribed recording.</summary>
/// <param name="Entries">Speech turns in time order, roles <c>Main Agent</c> / <c>Testing Agent</c>, seconds from the start.</param>
/// <param name="AgentSpeaker">The backend's speaker number taken as the agent (for speaker letters, the order in which
/// speakers were first heard, from 0).</param>
/// <param name="AgentRule">How the agent was chosen: <c>greeting</c>, <c>first_speaker</c>, or
/// <see cref="SpeechToTextTurns.UndiarizedRule"/> when the backend labelled no speakers.</param>
/// <param name="Provider"><c>OpenAI</c> or <c>Deepgram</c>.</param>
/// <param name="Model">The model that produced the transcript.</param>
public sealed record SpeechToTextResult(
    IReadOnlyList<TranscriptEntry> Entries, int AgentSpeaker, string AgentRule, string Provider, string Model);

/// <summary>Speech-to-text failed. The message is meant for the API client (it becomes the call's
/// <c>error_message</c>): it names the provider, the HTTP status, the server's own reason and the attempts made, and
/// never contains the API key.</summary>
public sealed class SpeechToTextException(string message) : Exception(message)
{
    /// <summary>
    /// Every attempt timed out, could not connect or got a retryable status (408, 429, 5xx): the backend is down or
    /// overloaded, not refusing this recording, so the stage is redelivered later instead of failing the call.
    /// </summary>
    public bool BackendUnavailable { get; init; }
}
