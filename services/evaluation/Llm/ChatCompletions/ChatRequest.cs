using System.Text.Json;

namespace Cekura.Evaluation.Llm.ChatCompletions;

/// <summary>One structured-output request: a system and a user message, and the JSON schema the answer must match.</summary>
/// <param name="SchemaName">The schema's name in <c>response_format.json_schema.name</c>: letters, digits, <c>_</c> and
/// <c>-</c>, at most 64 (OpenAI's rule).</param>
/// <param name="Schema">A JSON Schema object in the subset strict structured outputs accept: every property required,
/// <c>additionalProperties: false</c>.</param>
public sealed record ChatRequest(string SystemMessage, string UserMessage, string SchemaName, JsonElement Schema);

/// <summary>The model's answer.</summary>
/// <param name="Content">The JSON object parsed from <c>choices[0].message.content</c>.</param>
/// <param name="Model">The model that answered, as the server names it (null when it does not say).</param>
/// <param name="Attempts">Attempts it took, retries included.</param>
public sealed record ChatAnswer(JsonElement Content, string? Model, int Attempts);

/// <summary>The endpoint gave no usable answer. The message is meant for the call's metric explanation: it names the
/// model, the HTTP status, the server's own reason and the attempts made, and never contains the API key.</summary>
public sealed class LlmException(string message) : Exception(message);
