using Cekura.Hosting.Net;

namespace Cekura.Evaluation.Llm.ChatCompletions;

/// <summary>
/// Waits between attempts at a chat-completions request (the number of retries and the per-attempt timeout come from
/// <c>Llm</c> options), as the speech-to-text client does; see <see cref="BackendRetry"/>.
/// </summary>
public sealed class LlmRetry() : BackendRetry(baseDelay: TimeSpan.FromSeconds(1));
