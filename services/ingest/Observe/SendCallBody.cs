using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Cekura.Ingest.Observe;

/// <summary>
/// The Send Calls body in one shape whatever the content type: every field as a JSON value. Form fields arrive as
/// strings (repeated keys as an array of strings); the validator accepts JSON text where an object is expected.
/// </summary>
public sealed class SendCallBody
{
    public const string RecordingPart = "voice_recording";

    private SendCallBody(IReadOnlyDictionary<string, JsonElement> fields, IFormFile? recording)
    {
        Fields = fields;
        Recording = recording;
    }

    public IReadOnlyDictionary<string, JsonElement> Fields { get; }

    public IFormFile? Recording { get; }

    /// <summary>Fields assembled by code (a provider webhook mapped to Send Calls names).</summary>
    public static SendCallBody FromFields(IReadOnlyDictionary<string, JsonElement> fields) => new(fields, null);

    public static SendCallBody FromJson(JsonElement root) =>
        new(root.EnumerateObject().GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value.Clone()), null);

    public static SendCallBody FromForm(IFormCollection form)
    {
        var fields = form.ToDictionary(
            f => f.Key,
            f => f.Value.Count == 1
                ? JsonSerializer.SerializeToElement(f.Value[0])
                : JsonSerializer.SerializeToElement(f.Value.ToArray()));
        return new SendCallBody(fields, form.Files.GetFile(RecordingPart));
    }

    /// <summary>Reads the body, or says why it cannot be read (malformed JSON 400, another content type 415).</summary>
    public static async Task<(SendCallBody? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType is { } ct && MediaTypeHeaderValue.TryParse(ct, out var parsed)
            ? parsed.MediaType.Value?.ToLowerInvariant()
            : null;
        switch (contentType)
        {
            case "application/json":
                try
                {
                    using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return (null, Api.ApiErrors.Fields(NonField(
                            $"Invalid data. Expected a dictionary, but got {Api.ApiErrors.KindName(document.RootElement.ValueKind)}.")));
                    }
                    if (!Api.JsonText.NamesReadable(document.RootElement))
                    {
                        return (null, Api.ApiErrors.Fields(NonField("A field name of the body is not valid UTF-8 text.")));
                    }
                    return (FromJson(document.RootElement), null);
                }
                catch (JsonException e)
                {
                    return (null, Api.ApiErrors.Detail(StatusCodes.Status400BadRequest, $"JSON parse error - {e.Message}"));
                }
            case "multipart/form-data" or "application/x-www-form-urlencoded":
                try
                {
                    return (FromForm(await request.ReadFormAsync(cancellationToken)), null);
                }
                catch (InvalidDataException e)
                {
                    return (null, Api.ApiErrors.Detail(StatusCodes.Status400BadRequest, $"Form parse error - {e.Message}"));
                }
            default:
                return (null, Api.ApiErrors.Detail(StatusCodes.Status415UnsupportedMediaType,
                    $"Unsupported media type \"{request.ContentType}\" in request. Use application/json, multipart/form-data or application/x-www-form-urlencoded."));
        }
    }

    private static Api.FieldErrors NonField(string message)
    {
        var errors = new Api.FieldErrors();
        errors.Add("non_field_errors", message);
        return errors;
    }
}
