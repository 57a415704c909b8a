using System.Text.Json;

namespace Cekura.Ingest.Api;

/// <summary>Reads a JSON object body the way every management endpoint answers it (DRF's messages).</summary>
public static class JsonBody
{
    /// <summary>The body as a JSON object, or the 400 to answer: unparsable JSON, or JSON that is not an object.</summary>
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
}
