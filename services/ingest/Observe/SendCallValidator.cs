using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Metrics;
using Cekura.Contracts.Redaction;
using Cekura.Hosting.Telemetry;
using Cekura.Ingest.Api;
using Cekura.Ingest.Recordings;
using Cekura.Ingest.Transcripts;
using Cekura.Speech.SpeechToText;

namespace Cekura.Ingest.Observe;

/// <summary>
/// Every field rule of send-calls.md. All problems are collected, so a client fixes its request in one round trip;
/// messages follow Django REST framework's wording, as Cekura's API does.
/// </summary>
/// <param name="speechToText">Only <see cref="SpeechToTextOptions.IsConfigured"/> is read: none-mono needs a backend.</param>
public sealed class SendCallValidator(TranscriptParsers parsers, SpeechToTextOptions speechToText)
{
    public const string NoSpeechToText =
        "transcript_type none-mono needs a speech-to-text backend, and this server has none configured. "
        + "Its operator sets SpeechToText__Provider (OpenAI or Deepgram), SpeechToText__BaseUrl, SpeechToText__ApiKey and "
        + "SpeechToText__Model; until then send transcript_json with its transcript_type.";

    private const string Required = "This field is required.";

    /// <summary>The <c>metric_ids</c> message for an id that is neither predefined nor a metric of the key's project.</summary>
    public static string UnknownMetric(long id) => $"metric {id} does not exist in this project";
    private const string Blank = "This field may not be blank.";

    public (SendCall? Call, FieldErrors Errors) Validate(SendCallBody body, ReadOnlySpan<byte> recordingHeader)
    {
        var errors = new FieldErrors();
        var f = ReadableFields(body.Fields, errors);

        var callId = ReadString(f, "call_id", errors, maxLength: 100, required: true);
        var traceId = ReadString(f, "trace_id", errors, maxLength: 32);
        if (!string.IsNullOrEmpty(traceId) && !CekuraTelemetry.IsValidTraceId(traceId))
        {
            errors.Add("trace_id", "Must be a 32-character hexadecimal OpenTelemetry trace id, not all zeros.");
        }

        var agentId = ReadInteger(f, "agent", errors, min: 1, max: long.MaxValue);
        var assistantId = ReadString(f, "assistant_id", errors, maxLength: 255);
        if (agentId is null && string.IsNullOrEmpty(assistantId) && !errors.Has("agent") && !errors.Has("assistant_id"))
        {
            errors.Add("agent", "One of agent or assistant_id is required.");
        }

        AudioFormat.Detected? recordingFormat = null;
        if (body.Recording is { } upload)
        {
            recordingFormat = upload.Length == 0 ? null : AudioFormat.Detect(recordingHeader);
            if (recordingFormat is null)
            {
                errors.Add("voice_recording", upload.Length == 0
                    ? "The submitted file is empty."
                    : "The file is not a recognised audio recording (wav, mp3, ogg/opus, flac, m4a, webm).");
            }
        }
        else if (f.TryGetValue("voice_recording", out var notAFile) && notAFile.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                 && !(notAFile.ValueKind == JsonValueKind.String && notAFile.GetString() == ""))
        {
            errors.Add("voice_recording", "The submitted data was not a file. Upload it as the multipart part 'voice_recording', or give voice_recording_url.");
        }
        var recordingUrl = ReadUrl(f, "voice_recording_url", errors);

        var mainAgentChannel = (int?)ReadInteger(f, "main_agent_channel_index", errors, min: 0, max: 1);
        var (transcriptType, transcript) = ReadTranscriptFields(f, new TranscriptContext { MainAgentChannelIndex = mainAgentChannel }, errors);
        if (transcriptType == TranscriptTypes.NoneMono && body.Recording is null && string.IsNullOrEmpty(recordingUrl)
            && !errors.Has("voice_recording_url"))
        {
            errors.Add("voice_recording", "transcript_type none-mono needs a recording: upload voice_recording or give voice_recording_url.");
        }

        var call = new SendCall
        {
            CallId = callId ?? "",
            TraceId = string.IsNullOrEmpty(traceId) ? null : traceId.ToLowerInvariant(),
            AgentId = agentId,
            AssistantId = string.IsNullOrEmpty(assistantId) ? null : assistantId,
            RecordingUpload = body.Recording,
            RecordingFormat = recordingFormat,
            RecordingUrl = recordingUrl,
            TranscriptType = transcriptType,
            Transcript = transcript.Entries,
            AgentSpeaker = transcript.Agent,
            CallEndedReason = ReadString(f, "call_ended_reason", errors, maxLength: 100),
            CustomerNumber = ReadString(f, "customer_number", errors, maxLength: 100),
            Metadata = ReadObject(f, "metadata", errors),
            Timestamp = ReadTimestamp(f, "timestamp", errors),
            DynamicVariables = ReadObject(f, "dynamic_variables", errors),
            Feedback = ReadString(f, "feedback", errors, maxLength: 10_000),
            RedactFields = ReadRedactFields(f, errors),
            MetricIds = ReadMetricIds(f, errors),
            MainAgentChannelIndex = mainAgentChannel,
        };
        return errors.Any ? (null, errors) : (call, errors);
    }

    private static readonly ParsedTranscript Untranscribed = new([], null);

    /// <summary>
    /// The fields whose text can be read and kept; each other one is reported once, on its own name, and left out of
    /// the rules below (which would otherwise fail reading it, or store what cannot be written back).
    /// </summary>
    internal static IReadOnlyDictionary<string, JsonElement> ReadableFields(IReadOnlyDictionary<string, JsonElement> fields, FieldErrors errors)
    {
        var readable = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (JsonText.Problem(value) is { } problem)
            {
                errors.Add(name, problem);
            }
            else
            {
                readable[name] = value;
            }
        }
        return readable;
    }

    /// <summary>
    /// <c>transcript_type</c> (default cekura) and <c>transcript_json</c> parsed by the type's parser. Send Calls and a
    /// PATCH that replaces a call's transcript share these rules and messages.
    /// </summary>
    internal (string Type, ParsedTranscript Transcript) ReadTranscriptFields(
        IReadOnlyDictionary<string, JsonElement> f, TranscriptContext context, FieldErrors errors)
    {
        var transcriptType = ReadString(f, "transcript_type", errors, maxLength: 50) is { Length: > 0 } tt
            ? tt.Trim().ToLowerInvariant()
            : TranscriptTypes.Cekura;
        if (!TranscriptTypes.All.Contains(transcriptType) && !errors.Has("transcript_type"))
        {
            errors.Add("transcript_type", $"\"{transcriptType}\" is not a valid choice. Valid choices: {string.Join(", ", TranscriptTypes.All)}.");
        }
        var transcript = ReadTranscript(f, transcriptType, context, errors);
        if (transcriptType == TranscriptTypes.NoneMono && !speechToText.IsConfigured)
        {
            // Refused before any download or decode: the call could never be transcribed on this server.
            errors.Add("transcript_type", NoSpeechToText);
        }
        return (transcriptType, transcript);
    }

    private ParsedTranscript ReadTranscript(
        IReadOnlyDictionary<string, JsonElement> f, string transcriptType, TranscriptContext context, FieldErrors errors)
    {
        const string field = "transcript_json";
        var present = f.TryGetValue(field, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            && !(value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()));
        if (transcriptType == TranscriptTypes.NoneMono || errors.Has("transcript_type"))
        {
            return Untranscribed;
        }
        // Both problems are reported at once, so the client does not fix one only to meet the other.
        var supported = parsers.Supports(transcriptType);
        if (!supported)
        {
            errors.Add("transcript_type", $"transcript_type \"{transcriptType}\" is not supported by this server yet; send the transcript as cekura.");
        }
        if (!present && !errors.Has(field))
        {
            errors.Add(field, Required);
        }
        if (!supported || !present)
        {
            return Untranscribed;
        }
        if (value.ValueKind == JsonValueKind.String && !TryParseJson(value.GetString()!, out value))
        {
            errors.Add(field, "Value must be valid JSON.");
            return Untranscribed;
        }
        if (JsonText.Problem(value) is { } unreadable)
        {
            errors.Add(field, unreadable);
            return Untranscribed;
        }
        try
        {
            return parsers.ParseWithAgent(value, transcriptType, context);
        }
        catch (TranscriptFormatException e)
        {
            foreach (var problem in e.Problems)
            {
                errors.Add(field, problem);
            }
            return Untranscribed;
        }
    }

    internal static string? ReadString(IReadOnlyDictionary<string, JsonElement> f, string field, FieldErrors errors,
        int maxLength, bool required = false)
    {
        if (!f.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            // A field left out for unreadable text has its message already.
            if (required && !errors.Has(field))
            {
                errors.Add(field, Required);
            }
            return null;
        }
        string? text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            errors.Add(field, "Not a valid string.");
            return null;
        }
        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, Blank);
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(field, $"Ensure this field has no more than {maxLength} characters.");
            return null;
        }
        return text;
    }

    private static long? ReadInteger(IReadOnlyDictionary<string, JsonElement> f, string field, FieldErrors errors, long min, long max)
    {
        if (!f.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null
            || (value.ValueKind == JsonValueKind.String && value.GetString() == ""))
        {
            return null;
        }
        long? number = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString()!.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
        if (number is null)
        {
            errors.Add(field, "A valid integer is required.");
            return null;
        }
        if (number < min || number > max)
        {
            errors.Add(field, max == long.MaxValue
                ? $"Ensure this value is greater than or equal to {min}."
                : $"Must be between {min} and {max}.");
            return null;
        }
        return number;
    }

    private static string? ReadUrl(IReadOnlyDictionary<string, JsonElement> f, string field, FieldErrors errors)
    {
        var text = ReadString(f, field, errors, maxLength: 2048);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add(field, "Enter a valid http or https URL.");
            return null;
        }
        return uri.AbsoluteUri;
    }

    internal static JsonElement? ReadObject(IReadOnlyDictionary<string, JsonElement> f, string field, FieldErrors errors)
    {
        if (!f.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null
            || (value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString())))
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && !TryParseJson(value.GetString()!, out value))
        {
            errors.Add(field, "Value must be valid JSON.");
            return null;
        }
        // JSON sent as a string (multipart, forms) is only seen now: its escapes and depth were never checked.
        if (JsonText.Problem(value) is { } unreadable)
        {
            errors.Add(field, unreadable);
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"Expected a dictionary of items but got type \"{ApiErrors.KindName(value.ValueKind)}\".");
            return null;
        }
        return value;
    }

    internal static DateTimeOffset? ReadTimestamp(IReadOnlyDictionary<string, JsonElement> f, string field, FieldErrors errors)
    {
        var text = ReadString(f, field, errors, maxLength: 64);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        // ISO 8601; a time without an offset is taken as UTC.
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp)
            && text.Contains('-'))
        {
            return timestamp;
        }
        errors.Add(field, "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
        return null;
    }

    private static IReadOnlyList<string>? ReadRedactFields(IReadOnlyDictionary<string, JsonElement> f, FieldErrors errors)
    {
        const string field = "redact_fields";
        if (!f.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var names = ReadStringList(value, field, errors);
        if (names is null)
        {
            return null;
        }
        foreach (var unknown in names.Where(n => !RedactionEntities.IsKnown(n)))
        {
            errors.Add(field, $"\"{unknown}\" is not a valid choice.");
        }
        return names.Distinct().ToList();
    }

    private static IReadOnlyList<long> ReadMetricIds(IReadOnlyDictionary<string, JsonElement> f, FieldErrors errors)
    {
        const string field = "metric_ids";
        if (!f.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        var parts = value.ValueKind == JsonValueKind.Number ? [value.GetRawText()] : ReadStringList(value, field, errors);
        if (parts is null)
        {
            return [];
        }
        var ids = new List<long>();
        foreach (var part in parts)
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                errors.Add(field, $"\"{part}\" is not a metric id: use comma-separated integers such as \"118,119\".");
            }
            else if (id < MetricDefinition.FirstCustomId && PredefinedMetrics.Find(id) is null)
            {
                // Below the first custom id only the catalogue exists; custom ids are checked against the project's metrics later.
                errors.Add(field, UnknownMetric(id));
            }
            else
            {
                ids.Add(id);
            }
        }
        return ids.Distinct().ToList();
    }

    /// <summary>A JSON array of strings, a string holding one, or a comma-separated string; empty items dropped.</summary>
    private static List<string>? ReadStringList(JsonElement value, string field, FieldErrors errors)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!.Trim();
            if (text.StartsWith('[') && TryParseJson(text, out var parsed))
            {
                if (JsonText.Problem(parsed) is { } unreadable)
                {
                    errors.Add(field, unreadable);
                    return null;
                }
                value = parsed;
            }
            else
            {
                return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            }
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, $"Expected a list of items but got type \"{ApiErrors.KindName(value.ValueKind)}\".");
            return null;
        }
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.AddRange(item.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else if (item.ValueKind == JsonValueKind.Number)
            {
                items.Add(item.GetRawText());
            }
            else
            {
                errors.Add(field, $"Not a valid string: {ApiErrors.KindName(item.ValueKind)}.");
                return null;
            }
        }
        return items;
    }

    private static bool TryParseJson(string text, out JsonElement value)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }
}
