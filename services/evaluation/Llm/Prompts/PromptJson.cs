using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cekura.Evaluation.Llm.Prompts;

/// <summary>JSON text inside prompts.</summary>
public static class PromptJson
{
    /// <summary>A prompt is not HTML: non-ASCII letters and quotes stay readable instead of becoming <c>\uXXXX</c>.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A string as a JSON string literal, so names with spaces or quotes stay unambiguous in a list.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Options);
}
