using System.Text.Json;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Telemetry;
using Cekura.Ingest.Api;
using Cekura.Ingest.Transcripts;
using Cekura.Hosting.Calls.Views;
using Cekura.Speech.Audio;

namespace Cekura.Ingest.Observe;

/// <summary><c>POST /observability/v1/observe/</c>: Send Calls.</summary>
public static class ObserveApi
{
    public static RouteGroupBuilder MapObserveApi(this RouteGroupBuilder group)
    {
        group.MapPost("/observability/v1/observe/", ObserveAsync)
            .WithName("SendCall")
            .WithSummary("Ingest one finished call (JSON, multipart with a voice_recording file part, or urlencoded).")
            .WithDescription("The recording (voice_recording upload or fetched voice_recording_url: wav, mp3, ogg/opus, flac, m4a "
                + "or webm) is decoded whole before anything is stored. An empty, non-audio, truncated or corrupt file, or one "
                + "longer than the server's limit (RecordingCheck:MaxDurationSeconds, 4 h by default), is a 400 on that field, "
                + "e.g. {\"voice_recording\": [\"The file is not usable audio: <reason>.\"]}. transcript_type none-mono is a 400 "
                + "on transcript_type when the server has no speech-to-text backend or the recording is not mono. A body over the "
                + "gateway's limit is a 413: multipart (the only form that may carry an upload) up to Gateway:MaxUploadBytes, "
                + "JSON or urlencoded up to Gateway:MaxJsonBytes. A 503 with Retry-After means every audio decoder of the server stayed "
                + "busy for Audio:RequestSlotWaitSeconds (10 s by default) while checking a recording, or another process held the "
                + "SQLite call store's write lock for Storage:Sqlite:BusyTimeoutSeconds (30 s by default): nothing was stored, send it again later.")
            .Accepts<SendCallDocument>("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
            .Produces<CallLogDetailView>(StatusCodes.Status201Created)
            .Produces<Dictionary<string, string[]>>(StatusCodes.Status400BadRequest)
            .Produces<ErrorDetail>(StatusCodes.Status401Unauthorized)
            .Produces<DuplicateDetail>(StatusCodes.Status409Conflict)
            .Produces<ErrorDetail>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorDetail>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ErrorDetail>(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        return group;
    }

    private static async Task<IResult> ObserveAsync(HttpContext http, SendCallHandler handler, CallLogViews views, CekuraMetrics metrics)
    {
        var cancellationToken = http.RequestAborted;
        var (body, readError) = await SendCallBody.ReadAsync(http.Request, cancellationToken);
        if (readError is not null)
        {
            metrics.CallIngested(UnknownType, "unreadable");
            return readError;
        }
        var transcriptType = TranscriptTypeTag(body!);
        var tenant = http.Tenant();
        var (validated, errors) = await handler.ValidateAsync(tenant, body!, cancellationToken);
        AcceptedCall? read;
        try
        {
            read = validated is null ? null : await handler.ReadRecordingAsync(validated, errors, cancellationToken);
        }
        catch (AudioBusyException e)
        {
            // Nothing was stored: the recording's temporary copy went with the exception.
            metrics.CallIngested(transcriptType, "busy");
            return ApiErrors.Busy($"The server is busy checking other recordings ({e.Message}); try again shortly.", e.Wait);
        }
        await using var accepted = read;
        if (accepted is null)
        {
            metrics.CallIngested(transcriptType, "invalid");
            return ApiErrors.Fields(errors);
        }

        CallIngestor.Result result;
        try
        {
            result = await handler.IngestAsync(tenant, accepted, cancellationToken);
        }
        catch (StoreBusyException)
        {
            // Counted here, answered by StoreBusyFilter (the 503 every store write of the API gives).
            metrics.CallIngested(transcriptType, "busy");
            throw;
        }
        if (result.DuplicateOfId is { } existingId)
        {
            metrics.CallIngested(transcriptType, "duplicate");
            return ApiErrors.Detail(StatusCodes.Status409Conflict,
                $"A call log with call_id '{accepted.Call.CallId}' already exists in this project.", existingId);
        }
        metrics.CallIngested(transcriptType, "accepted");
        return Results.Json(views.Detail(result.Call!, http.Request), statusCode: StatusCodes.Status201Created);
    }

    private const string UnknownType = "unknown";

    /// <summary>
    /// The request's <c>transcript_type</c> as a metric tag: one of the known types (absent means the default, cekura),
    /// else "unknown", so a client cannot mint a new time series per request.
    /// </summary>
    private static string TranscriptTypeTag(SendCallBody body)
    {
        if (!body.Fields.TryGetValue("transcript_type", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return TranscriptTypes.Cekura;
        }
        // Read as the validator reads it: trimmed, any case, empty meaning the default.
        var type = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim().ToLowerInvariant() : null;
        return type switch
        {
            "" => TranscriptTypes.Cekura,
            not null when TranscriptTypes.All.Contains(type) => type,
            _ => UnknownType,
        };
    }
}
