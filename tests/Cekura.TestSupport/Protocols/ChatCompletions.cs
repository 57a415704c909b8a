using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cekura.TestSupport.Protocols;

/// <summary>The OpenAI-compatible <c>/v1/chat/completions</c> protocol: answers to script and a request's parts to check.</summary>
public static class ChatCompletions
{
    /// <summary>A chat completion whose <c>message.content</c> is <paramref name="content"/> serialised as JSON.</summary>
    public static Responder Answer(object content) => Completion(JsonSerializer.Serialize(content));

    /// <summary>A chat completion in OpenAI's documented shape with the given message fields.</summary>
    public static Responder Completion(string? content, string? refusal = null, string finishReason = "stop") =>
        Responders.Json(200, CompletionJson(content, refusal, finishReason));

    /// <summary>
    /// Answers any structured-output request by filling its schema: booleans true, numbers 4, strings "because", and
    /// for a choice among names the first of <paramref name="preferred"/> offered (else the first name).
    /// </summary>
    public static Responder FillingSchema(params IReadOnlyCollection<string> preferred) =>
        async (context, request) =>
        {
            var answer = new JsonObject();
            foreach (var property in request.Schema.GetProperty("properties").EnumerateObject())
            {
                answer[property.Name] = Fill(property.Value, preferred);
            }
            await Completion(answer.ToJsonString())(context, request);
        };

    private static string CompletionJson(string? content, string? refusal, string finishReason) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1767225600,
            ["model"] = "gpt-test-mini-2026-01-01",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = refusal },
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 412, ["completion_tokens"] = 38, ["total_tokens"] = 450 },
        }.ToJsonString();

    private static JsonNode? Fill(JsonElement schema, IReadOnlyCollection<string> preferred)
    {
        if (schema.TryGetProperty("enum", out var choices))
        {
            var names = choices.EnumerateArray().Select(c => c.GetString()!).ToList();
            return names.FirstOrDefault(preferred.Contains) ?? names[0];
        }
        var type = schema.GetProperty("type");
        var kind = type.ValueKind == JsonValueKind.Array ? type[0].GetString() : type.GetString();
        return kind switch
        {
            "boolean" => true,
            "number" or "integer" => 4,
            _ => "because",
        };
    }

    extension(ReceivedRequest request)
    {
        public string Model => request.Json.GetProperty("model").GetString()!;

        public JsonElement Messages => request.Json.GetProperty("messages");

        public string SystemMessage => request.Message("system");

        public string UserMessage => request.Message("user");

        public JsonElement ResponseFormat => request.Json.GetProperty("response_format");

        /// <summary><c>response_format.json_schema.schema</c>.</summary>
        public JsonElement Schema => request.ResponseFormat.GetProperty("json_schema").GetProperty("schema");

        private string Message(string role) =>
            request.Messages.EnumerateArray().Single(m => m.GetProperty("role").GetString() == role).GetProperty("content").GetString()!;
    }
}
