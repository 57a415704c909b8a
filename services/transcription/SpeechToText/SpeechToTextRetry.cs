using Cekura.Hosting.Net;

namespace Cekura.Transcription.SpeechToText;

/// <summary>
/// Waits between attempts at a speech-to-text request (the number of attempts and the per-attempt timeout come from
/// <c>SpeechToText</c> options); see <see cref="BackendRetry"/>.
/// </summary>
public sealed class SpeechToTextRetry() : BackendRetry(baseDelay: TimeSpan.FromSeconds(2));
