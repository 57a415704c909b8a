using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.Llm.ChatCompletions;

/// <summary>
/// Any OpenAI-compatible <c>POST {BaseUrl}/chat/completions</c> (OpenAI's API reference, "Create chat completion") asking
/// for structured output: <c>{"model", "messages": [system, user], "temperature", "response_format": {"type":
/// "json_schema", "json_schema": {"name", "strict": true, "schema"}}}</c>, authorised with
/// <c>Authorization: Bearer {ApiKey}</c>. The answer's <c>choices[0].message.content</c> is the JSON text; a model that
/// declines sets <c>message.refusal</c> instead.
/// <para>Failure policy, as the speech-to-text client's: a timeout per attempt, retries with backoff on timeouts,
/// connection errors, 408, 429 and 5xx (honouring <c>Retry-After</c>), no retry on other answers (a 4xx will not change
/// by asking again). At most <see cref="LlmOptions.MaxConcurrency"/> requests are in flight at once from this instance
/// (registered once per process, so per worker).</para>
/// </summary>
public sealed class ChatCompletionsClient
{
    public const string HttpClientName = "Llm.ChatCompletions";

    /// <summary>Why nothing is sent: completes the sentence "Not evaluated: ...".</summary>
    public const string NotConfiguredMessage = "no LLM endpoint is configured (set Llm__BaseUrl, Llm__Model)";

    private const int MaxReasonLength = 300;

    private readonly IHttpClientFactory _httpClients;
    private readonly LlmOptions _options;
    private readonly LlmRetry _retry;
    private readonly ILogger _logger;

    /// <summary>
    /// Held for one attempt, not across the backoff: a request waiting to retry does not keep another from being sent.
    /// The per-attempt timeout starts once a slot is held, so waiting for a slot never counts as the server being slow.
    /// </summary>
    private readonly SemaphoreSlim _slots;

    public ChatCompletionsClient(IHttpClientFactory httpClients, IOptions<LlmOptions> options, LlmRetry retry,
        ILogger<ChatCompletionsClient> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _retry = retry;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
    }

    public bool IsConfigured => _options.IsConfigured;

    private string Model => _options.Model?.Trim() ?? "";

    /// <summary>Sends the request and returns the model's JSON answer.</summary>
    /// <exception cref="LlmException">No endpoint is configured; every attempt failed; the server refused the request;
    /// or the answer is a refusal, empty, or not a JSON object. The message says which.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled; never retried.</exception>
    public async Task<ChatAnswer> CompleteAsync(ChatRequest request, CancellationToken ct)
    {
        if (!IsConfigured)
        {
            throw new LlmException(NotConfiguredMessage);
        }
        var uri = new Uri(_options.BaseUrl!.TrimEnd('/') + "/chat/completions");
        var body = Body(request);
        var http = _httpClients.CreateClient(HttpClientName);

        var maxAttempts = 1 + Math.Max(0, _options.MaxRetries);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            await _slots.WaitAsync(ct);
            try
            {
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attemptCts.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
                using var message = Message(uri, body);
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token);
                var text = await response.Content.ReadAsStringAsync(attemptCts.Token);
                if (response.IsSuccessStatusCode)
                {
                    return Answer(text, attempt);
                }
                if (!IsRetryable(response.StatusCode))
                {
                    throw Rejected(response.StatusCode, text, attempt);
                }
                failure = $"the server answered {Status(response.StatusCode)}{Reason(text)}";
                retryAfter = RetryAfter(response);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = $"no answer within {_options.TimeoutSeconds} s";
            }
            // The explanation names the kind of network error only; the exception, which may name internal hosts,
            // goes to the log.
            catch (HttpRequestException e)
            {
                failure = $"could not reach the server ({e.HttpRequestError})";
                _logger.LogWarning(e, "LLM ({Model}) attempt {Attempt}: request failed", Model, attempt);
            }
            catch (IOException e)
            {
                failure = "the connection broke while the answer was read";
                _logger.LogWarning(e, "LLM ({Model}) attempt {Attempt}: connection broke", Model, attempt);
            }
            finally
            {
                _slots.Release();
            }

            if (attempt >= maxAttempts)
            {
                throw new LlmException($"LLM ({Model}) failed after {Attempts(attempt)}: {failure}.");
            }
            var wait = _retry.Backoff(attempt + 1, retryAfter);
            _logger.LogWarning("LLM ({Model}) attempt {Attempt} of {MaxAttempts} failed: {Failure}; retrying in {Wait}",
                Model, attempt, maxAttempts, failure, wait);
            await _retry.Wait(wait, ct);
        }
    }

    /// <summary>The body is built once and sent as is by every attempt.</summary>
    private byte[] Body(ChatRequest request)
    {
        using var buffer = new MemoryStream();
        // Non-ASCII text is sent as UTF-8 rather than \uXXXX escapes: a body is not HTML, and escapes triple its size.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("model", Model);
            json.WriteStartArray("messages");
            foreach (var (role, content) in new[] { ("system", request.SystemMessage), ("user", request.UserMessage) })
            {
                json.WriteStartObject();
                json.WriteString("role", role);
                json.WriteString("content", content);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (_options.Temperature is { } temperature)
            {
                json.WriteNumber("temperature", temperature);
            }
            json.WriteStartObject("response_format");
            json.WriteString("type", "json_schema");
            json.WriteStartObject("json_schema");
            json.WriteString("name", request.SchemaName);
            json.WriteBoolean("strict", true);
            json.WritePropertyName("schema");
            request.Schema.WriteTo(json);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private HttpRequestMessage Message(Uri uri, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (!string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey.Trim());
        }
        return message;
    }

    /// <summary>Reads <c>choices[0].message</c>: its <c>refusal</c>, else its <c>content</c> as a JSON object.</summary>
    private ChatAnswer Answer(string body, int attempts)
    {
        string? content, refusal, finishReason, model;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            model = String(root, "model");
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices)
                || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("there is no choices[0].message");
            }
            content = String(message, "content");
            refusal = String(message, "refusal");
            finishReason = String(choices[0], "finish_reason");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new LlmException(
                $"LLM ({Model}) answered with a response that cannot be read: expected {{\"choices\": [{{\"message\": {{\"content\"}}}}]}} ({Redact(e.Message)}){Reason(body)}.");
        }

        if (!string.IsNullOrWhiteSpace(refusal))
        {
            throw new LlmException($"LLM ({Model}) refused to answer: {Shorten(refusal).TrimEnd('.')}.");
        }
        var finished = finishReason is null ? "" : $" (finish_reason: {finishReason})";
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new LlmException($"LLM ({Model}) answered with no content{finished}.");
        }
        try
        {
            using var parsed = JsonDocument.Parse(content);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new LlmException(
                    $"LLM ({Model}) answered with a JSON {parsed.RootElement.ValueKind.ToString().ToLowerInvariant()}, not the object the schema asks for: {Shorten(content)}");
            }
            return new ChatAnswer(parsed.RootElement.Clone(), model, attempts);
        }
        catch (JsonException)
        {
            // With finish_reason "length" the model ran out of tokens mid-answer; say so, it is the fixable cause.
            var cut = finishReason == "length" ? ", cut off at the token limit" : "";
            throw new LlmException($"LLM ({Model}) answered with content that is not valid JSON{cut}{finished}: {Shorten(content)}");
        }
    }

    private LlmException Rejected(HttpStatusCode status, string body, int attempts)
    {
        var hint = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " Check Llm__ApiKey." : "";
        return new LlmException(
            $"LLM ({Model}) rejected the request with {Status(status)}{Reason(body)} after {Attempts(attempts)}; "
            + $"such an answer is not retried.{hint}");
    }

    /// <summary>The server's own reason, from the error shapes OpenAI-compatible servers use: OpenAI
    /// <c>{"error": {"message"}}</c>, <c>{"error": "..."}</c>, <c>{"message"}</c>, FastAPI <c>{"detail": "..."}</c>; else
    /// the start of the text.</summary>
    private string Reason(string body)
    {
        var text = body.Trim();
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : default;
            text = String(error, "message") ?? String(root, "error") ?? String(root, "message") ?? String(root, "detail") ?? text;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, plain text): the start of it is still the best reason there is.
        }
        return Shorten(text) is { Length: > 0 } reason ? $": {reason.TrimEnd('.')}" : "";
    }

    /// <summary>One line, at most <see cref="MaxReasonLength"/> characters, without the API key.</summary>
    private string Shorten(string text)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return Redact(text.Length > MaxReasonLength ? text[..MaxReasonLength] + "..." : text);
    }

    /// <summary>Some servers echo the key they were given (OpenAI echoes a masked one); the full key must never reach
    /// a metric's explanation or the logs.</summary>
    private string Redact(string text) =>
        string.IsNullOrWhiteSpace(_options.ApiKey) ? text : text.Replace(_options.ApiKey.Trim(), "[redacted]", StringComparison.Ordinal);

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary><c>Retry-After</c> in seconds or as a date; OpenAI also sends <c>retry-after-ms</c>, which its own SDKs
    /// prefer because it is more precise.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }
        var header = response.Headers.RetryAfter;
        return header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
    }

    private static string Status(HttpStatusCode status) => $"HTTP {(int)status} ({status})";

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
