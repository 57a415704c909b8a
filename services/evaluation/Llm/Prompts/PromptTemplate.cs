using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cekura.Evaluation.Llm.Prompts;

/// <summary>What a metric's prompt may refer to.</summary>
/// <param name="Transcript">The call's transcript text (<c>[MM:SS] Role: content</c> lines).</param>
/// <param name="AgentDescription">The agent's description as stored, still with its own <c>{{variables}}</c>.</param>
/// <param name="DynamicVariables">The call's <c>dynamic_variables</c> object.</param>
/// <param name="Metadata">The call's <c>metadata</c> object.</param>
public sealed record PromptVariables(
    string Transcript, string? AgentDescription, JsonElement? DynamicVariables, JsonElement? Metadata);

/// <summary>
/// Fills <c>{{variables}}</c> in a metric's prompt (spaces inside the braces are allowed):
/// <list type="bullet">
/// <item><c>{{transcript}}</c>: the transcript text.</item>
/// <item><c>{{agent_description}}</c>: the agent's description after its own <c>{{name}}</c> and
/// <c>{{dynamic_variables.name}}</c> placeholders are filled from the call's dynamic variables.</item>
/// <item><c>{{metadata.x}}</c>, <c>{{metadata.x.y}}</c>, <c>{{metadata.items.0}}</c>: a value in the call's metadata;
/// <c>{{metadata}}</c> is the whole object.</item>
/// <item><c>{{dynamic_variables.x}}</c> or just <c>{{x}}</c>: a dynamic variable (nested paths as for metadata).
/// <c>transcript</c> and <c>agent_description</c> are reserved: a dynamic variable of either name is reached only as
/// <c>{{dynamic_variables.transcript}}</c>.</item>
/// </list>
/// A string value is inserted as it is, a number or boolean as its JSON text, an object or array as compact JSON, and
/// <c>null</c> as nothing. A placeholder that names nothing the call has stays in the text as written
/// (<c>{{customer_name}}</c>), so the model — and whoever reads the prompt — sees that the value was missing instead of
/// a sentence with a silent gap. Substitution is one pass: text that comes from a value (a transcript that says
/// "{{x}}") is never read as a placeholder.
/// </summary>
public static partial class PromptTemplate
{
    public const string TranscriptVariable = "transcript";
    public const string AgentDescriptionVariable = "agent_description";
    public const string MetadataPrefix = "metadata";
    public const string DynamicVariablesPrefix = "dynamic_variables";

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    public static string Render(string template, PromptVariables variables)
    {
        var description = RenderDynamic(variables.AgentDescription ?? "", variables.DynamicVariables);
        return Placeholder().Replace(template, match => match.Groups[1].Value switch
        {
            TranscriptVariable => variables.Transcript,
            AgentDescriptionVariable => description,
            var name => Lookup(name, variables.DynamicVariables, variables.Metadata) ?? match.Value,
        });
    }

    /// <summary>Fills only <c>{{name}}</c> and <c>{{dynamic_variables.name}}</c> from the dynamic variables, as the
    /// agent's description is filled; everything else stays as written.</summary>
    public static string RenderDynamic(string template, JsonElement? dynamicVariables) =>
        Placeholder().Replace(template, match => Lookup(match.Groups[1].Value, dynamicVariables, metadata: null) ?? match.Value);

    /// <summary>Whether the template has a placeholder for <paramref name="variable"/> (spacing inside the braces aside).</summary>
    public static bool Mentions(string template, string variable) =>
        Placeholder().Matches(template).Any(m => m.Groups[1].Value == variable);

    private static string? Lookup(string name, JsonElement? dynamicVariables, JsonElement? metadata)
    {
        var path = name.Split('.');
        return path[0] switch
        {
            MetadataPrefix when metadata is { } m => Format(Walk(m, path.AsSpan(1))),
            DynamicVariablesPrefix when dynamicVariables is { } d => Format(Walk(d, path.AsSpan(1))),
            MetadataPrefix or DynamicVariablesPrefix => null,
            _ => dynamicVariables is { } variables ? Format(Walk(variables, path)) : null,
        };
    }

    /// <summary>Follows object keys and array indexes; undefined when a step is missing.</summary>
    private static JsonElement Walk(JsonElement element, ReadOnlySpan<string> path)
    {
        foreach (var step in path)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(step, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array
                && int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                return default;
            }
        }
        return element;
    }

    private static string? Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => "",
        JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(value, PromptJson.Options),
        _ => value.GetRawText(),
    };
}
