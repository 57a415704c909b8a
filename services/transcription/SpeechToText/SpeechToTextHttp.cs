using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cekura.Speech.SpeechToText;
using Microsoft.Extensions.Logging;

namespace Cekura.Transcription.SpeechToText;

/// <summary>
/// Sends one speech-to-text request with the shared failure policy: a timeout per attempt, retries with backoff on
/// timeouts, connection errors, 408, 429 and 5xx, and no retry on other answers (a 4xx will not change by asking
/// again). Every failure becomes a <see cref="SpeechToTextException"/> whose message names the provider, the status,
/// the server's own reason and the attempts, with the API key removed.
/// </summary>
internal sealed class SpeechToTextHttp(
    HttpClient http, SpeechToTextOptions options, SpeechToTextRetry retry, ILogger logger, string provider)
{
    /// <summary>A final answer: a success, or a status not worth retrying.</summary>
    internal sealed record Answer(HttpStatusCode Status, string Body, int Attempts)
    {
        public bool IsSuccess => (int)Status is >= 200 and <= 299;
    }

    private const int MaxReasonLength = 300;

    /// <param name="createRequest">Builds a fresh request per attempt (a request and its file stream are sent once).</param>
    /// <exception cref="SpeechToTextException">All attempts timed out, failed to connect or got a retryable status.</exception>
    public async Task<Answer> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken ct)
    {
        var maxAttempts = Math.Max(1, options.MaxAttempts);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                attemptCts.CancelAfter(timeout);
                try
                {
                    using var request = createRequest();
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token);
                    var body = await response.Content.ReadAsStringAsync(attemptCts.Token);
                    if (!IsRetryable(response.StatusCode))
                    {
                        return new Answer(response.StatusCode, body, attempt);
                    }
                    failure = $"the server answered {Status(response.StatusCode)}{Reason(body)}";
                    retryAfter = RetryAfter(response.Headers.RetryAfter);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    failure = $"no answer within {options.TimeoutSeconds} s";
                }
                // The client-facing text names the kind of network error only; the exception, which may name
                // internal hosts, goes to the log.
                catch (HttpRequestException e)
                {
                    failure = $"could not reach the server ({e.HttpRequestError})";
                    logger.LogWarning(e, "Speech-to-text ({Provider}) attempt {Attempt}: request failed", provider, attempt);
                }
                catch (IOException e)
                {
                    failure = "the connection broke while the answer was read";
                    logger.LogWarning(e, "Speech-to-text ({Provider}) attempt {Attempt}: connection broke", provider, attempt);
                }
            }

            if (attempt >= maxAttempts)
            {
                throw new SpeechToTextException(
                    $"Speech-to-text ({provider}) failed after {Attempts(attempt)}: {failure}.") { BackendUnavailable = true };
            }
            var wait = retry.Backoff(attempt + 1, retryAfter);
            logger.LogWarning("Speech-to-text ({Provider}) attempt {Attempt} of {MaxAttempts} failed: {Failure}; retrying in {Wait}",
                provider, attempt, maxAttempts, failure, wait);
            await retry.Wait(wait, ct);
        }
    }

    /// <summary>The failure for an answer that was not a success and not retried.</summary>
    public SpeechToTextException Rejected(Answer answer)
    {
        var hint = answer.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? " Check SpeechToText:ApiKey."
            : "";
        return new SpeechToTextException(
            $"Speech-to-text ({provider}) rejected the request with {Status(answer.Status)}{Reason(answer.Body)} "
            + $"after {Attempts(answer.Attempts)}; such an answer is not retried.{hint}");
    }

    /// <summary>A success whose body is not what the backend documents.</summary>
    public SpeechToTextException Unreadable(string problem) =>
        new($"Speech-to-text ({provider}) answered with a response that cannot be read: {Redact(problem)}.");

    /// <summary>The server's own reason, from the error shapes backends use: OpenAI <c>{"error": {"message"}}</c>,
    /// Deepgram <c>{"err_msg"}</c> or <c>{"message", "details"}</c>, FastAPI <c>{"detail"}</c>; else the start of the text.</summary>
    public string ServerReason(string body)
    {
        var text = body.Trim();
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            text = FirstString(root, "error", "message") ?? FirstString(root, "err_msg") ?? FirstString(root, "message")
                ?? FirstString(root, "error") ?? Detail(root) ?? text;
            if (FirstString(root, "details") is { } details && FirstString(root, "message") == text)
            {
                text = $"{text} ({details})";
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, plain text): the start of it is still the best reason there is.
        }
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        text = text.Length > MaxReasonLength ? text[..MaxReasonLength] + "..." : text;
        return Redact(text);
    }

    private string Reason(string body) => ServerReason(body) is { Length: > 0 } reason ? $": {reason.TrimEnd('.')}" : "";

    /// <summary>Some servers echo the key they were given (OpenAI echoes a masked one); the full key must never reach
    /// a call's error message or the logs.</summary>
    private string Redact(string text) =>
        string.IsNullOrEmpty(options.ApiKey) ? text : text.Replace(options.ApiKey, "[redacted]", StringComparison.Ordinal);

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    private static string Status(HttpStatusCode status) => $"HTTP {(int)status} ({status})";

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    private static string? FirstString(JsonElement root, params string[] path)
    {
        var current = root;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current.ValueKind == JsonValueKind.String && current.GetString() is { Length: > 0 } s ? s : null;
    }

    /// <summary>FastAPI-based servers answer <c>{"detail": "..."}</c> or <c>{"detail": [{"loc", "msg"}]}</c>.</summary>
    private static string? Detail(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("detail", out var detail))
        {
            return null;
        }
        if (detail.ValueKind == JsonValueKind.String)
        {
            return detail.GetString();
        }
        if (detail.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var messages = detail.EnumerateArray()
            .Select(d => (Msg: FirstString(d, "msg"),
                Loc: d.ValueKind == JsonValueKind.Object && d.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array
                    ? string.Join('.', loc.EnumerateArray().Select(l => l.ToString())) : null))
            .Where(d => d.Msg is not null)
            .Select(d => d.Loc is null ? d.Msg! : $"{d.Loc}: {d.Msg}")
            .ToList();
        return messages.Count > 0 ? string.Join("; ", messages) : null;
    }
}
