using System.Globalization;
using System.Text.Json;

namespace Cekura.Ingest.Api;

/// <summary>
/// Reading the JSON bodies of the management endpoints (agents, metrics): one object, each field checked with a
/// Django REST framework style message recorded under its name.
/// </summary>
public static class JsonFields
{
    public const string Required = "This field is required.";

    /// <summary>The body as a JSON object, or the 400 to answer: malformed JSON, or JSON that is not an object.</summary>
    public static async Task<(JsonElement Body, IResult? Refusal)> ReadObjectAsync(HttpContext http)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (default, ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {e.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            var errors = new FieldErrors();
            errors.Add("non_field_errors", $"Invalid data. Expected a dictionary, but got {ApiErrors.KindName(body.ValueKind)}.");
            return (default, ApiErrors.Fields(errors));
        }
        return (body, null);
    }

    public static bool Has(this JsonElement body, string field) => body.TryGetProperty(field, out _);

    /// <summary>Present and not JSON null.</summary>
    public static bool HasValue(this JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A string of at most <paramref name="maxLength"/> characters; null when absent or null (an error if required).</summary>
    public static string? Text(JsonElement body, string field, FieldErrors errors, int maxLength, bool required = false)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(field, Required);
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "Not a valid string.");
            return null;
        }
        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "This field may not be blank.");
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(field, $"Ensure this field has no more than {maxLength} characters.");
            return null;
        }
        return text;
    }

    /// <summary>
    /// A list of positive integer ids (numbers or numeric strings), duplicates dropped in order; null when absent or
    /// null. At most <paramref name="maxCount"/> of them.
    /// </summary>
    public static IReadOnlyList<long>? Ids(JsonElement body, string field, FieldErrors errors, int maxCount)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, $"Expected a list of ids but got type \"{ApiErrors.KindName(value.ValueKind)}\".");
            return null;
        }
        var ids = new List<long>();
        foreach (var item in value.EnumerateArray())
        {
            if (Id(item) is { } id)
            {
                ids.Add(id);
            }
            else
            {
                errors.Add(field, $"Incorrect type. Expected pk value, received {Shown(item)}.");
            }
        }
        var distinct = ids.Distinct().ToList();
        if (distinct.Count > maxCount)
        {
            errors.Add(field, $"Ensure this field has no more than {maxCount} elements.");
        }
        return distinct;
    }

    /// <summary>A positive integer id given as a JSON number or a string of digits.</summary>
    public static long? Id(JsonElement item)
    {
        long id = 0;
        var ok = item.ValueKind switch
        {
            JsonValueKind.Number => item.TryGetInt64(out id),
            JsonValueKind.String => long.TryParse(item.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out id),
            _ => false,
        };
        return ok && id > 0 ? id : null;
    }

    /// <summary>A JSON value as a short text for a message.</summary>
    public static string Shown(JsonElement item)
    {
        var text = item.ValueKind == JsonValueKind.String ? $"\"{item.GetString()}\"" : item.GetRawText();
        return text.Length > 50 ? text[..47] + "..." : text;
    }
}
