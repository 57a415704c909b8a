using System.ComponentModel.DataAnnotations;

namespace Cekura.Evaluation.Llm;

/// <summary>
/// The OpenAI-compatible chat-completions endpoint that runs <c>llm_judge</c> metrics and the topic and drop-off
/// classifications. Section <c>Llm</c>:
/// <code>{"Llm": {"BaseUrl": "https://api.openai.com/v1", "ApiKey": "...", "Model": "gpt-4o-mini", "TimeoutSeconds": 60,
///   "MaxRetries": 3, "MaxConcurrency": 4, "Temperature": 0, "MaxTranscriptCharacters": 60000}}</code>
/// No <see cref="BaseUrl"/> means none: those metrics are then reported as not evaluated, with the reason.
/// </summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary>The API root that holds <c>/chat/completions</c> (e.g. <c>https://api.openai.com/v1</c>); empty = none.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c>; left out when empty, for local servers that need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model name sent with every request; required when <see cref="BaseUrl"/> is set.</summary>
    public string? Model { get; set; }

    /// <summary>Per attempt.</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Retries after the first attempt, with backoff, for timeouts, connection errors, 408, 429 and 5xx.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Requests in flight at once from this process (one evaluation worker).</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// 0 makes repeated evaluations of one call agree as far as the model allows. Empty (<c>Llm__Temperature=</c>)
    /// leaves the field out, for models that accept only their default temperature (OpenAI's reasoning models
    /// answer 400 to any other value).
    /// </summary>
    [Range(0.0, 2.0)]
    public double? Temperature { get; set; } = 0;

    /// <summary>
    /// Longest transcript text sent in one request; a longer one keeps its beginning and end and says how much of the
    /// middle was left out, so a long call neither overflows the model's context nor is billed in full.
    /// </summary>
    [Range(1000, 10_000_000)]
    public int MaxTranscriptCharacters { get; set; } = 60_000;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}
