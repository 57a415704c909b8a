using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cekura.Speech.SpeechToText;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription.SpeechToText.OpenAi;

/// <summary>
/// Any OpenAI-compatible <c>POST {BaseUrl}/audio/transcriptions</c> (OpenAI's API reference, "Create transcription"):
/// a multipart form with <c>file</c>, <c>model</c> and <c>response_format</c>, authorised with
/// <c>Authorization: Bearer {ApiKey}</c> (left out when no key is set, for local servers that need none).
/// <list type="bullet">
/// <item>First <c>response_format=diarized_json</c> with <c>chunking_strategy=auto</c> (which
/// <c>gpt-4o-transcribe-diarize</c> requires for audio over 30 s). Answer:
/// <c>{"text", "segments": [{"type": "transcript.text.segment", "id", "speaker": "A", "start", "end", "text"}], "usage"}</c>,
/// times in seconds.</item>
/// <item>When the server refuses that format or model (a 400, or FastAPI's 422, whose reason names
/// <c>response_format</c> or <c>diarized_json</c>), <c>response_format=verbose_json</c> with
/// <c>timestamp_granularities[]=segment</c> and <c>=word</c>. Answer: <c>{"task", "language", "duration", "text",
/// "segments": [{"id", "seek", "start", "end", "text", ...}], "words": [{"word", "start", "end"}]}</c>: times but no
/// speakers, so unless a server adds a <c>speaker</c> to its segments all speech is one speaker
/// (<see cref="SpeechToTextTurns.UndiarizedRule"/>). The refusal is remembered, so later calls upload the file once.</item>
/// </list>
/// </summary>
public sealed class OpenAiSpeechToText(
    IHttpClientFactory httpClients, IOptions<SpeechToTextOptions> options, SpeechToTextRetry retry,
    ILogger<OpenAiSpeechToText> logger) : ISpeechToText
{
    public const string Provider = "OpenAI";
    public const string HttpClientName = "SpeechToText.OpenAI";
    public const string DefaultModel = "gpt-4o-transcribe-diarize";

    private readonly SpeechToTextOptions _options = options.Value;

    /// <summary>Set once the server refused <c>diarized_json</c> for the configured model (fixed for the process).</summary>
    private volatile bool _diarizedRefused;

    private string Model => string.IsNullOrWhiteSpace(_options.Model) ? DefaultModel : _options.Model.Trim();

    public async Task<SpeechToTextResult> TranscribeAsync(string audioPath, string contentType, CancellationToken ct)
    {
        var http = new SpeechToTextHttp(httpClients.CreateClient(HttpClientName), _options, retry, logger, $"{Provider}, model {Model}");
        var uri = new Uri(_options.BaseUrl!.TrimEnd('/') + "/audio/transcriptions");

        if (!_diarizedRefused)
        {
            var diarized = await http.SendAsync(() => Request(uri, audioPath, contentType, diarized: true), ct);
            if (diarized.IsSuccess)
            {
                return Result(http, diarized.Body);
            }
            if (!RefusesFormat(http, diarized))
            {
                throw http.Rejected(diarized);
            }
            _diarizedRefused = true;
            logger.LogWarning(
                "Speech-to-text ({Provider}, model {Model}) refuses diarized_json ({Reason}); using verbose_json, which has no speakers",
                Provider, Model, http.ServerReason(diarized.Body));
        }

        var verbose = await http.SendAsync(() => Request(uri, audioPath, contentType, diarized: false), ct);
        return verbose.IsSuccess ? Result(http, verbose.Body) : throw http.Rejected(verbose);
    }

    private HttpRequestMessage Request(Uri uri, string audioPath, string contentType, bool diarized)
    {
        var file = new StreamContent(AudioFile.OpenRead(audioPath));
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var form = new MultipartFormDataContent
        {
            // OpenAI tells the audio format by the file name's extension.
            { file, "file", AudioFile.NameWithExtension(audioPath, contentType) },
            { new StringContent(Model), "model" },
            { new StringContent(diarized ? "diarized_json" : "verbose_json"), "response_format" },
        };
        if (diarized)
        {
            // Sent only with diarized_json: it is the diarizing model's parameter, and older models may refuse it.
            form.Add(new StringContent("auto"), "chunking_strategy");
        }
        else
        {
            form.Add(new StringContent("segment"), "timestamp_granularities[]");
            form.Add(new StringContent("word"), "timestamp_granularities[]");
        }
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = form };
        if (!string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }
        return request;
    }

    private static bool RefusesFormat(SpeechToTextHttp http, SpeechToTextHttp.Answer answer)
    {
        if (answer.Status is not (HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity))
        {
            return false;
        }
        if (answer.Body.Contains("diarized_json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("param", out var param) && param.ValueKind == JsonValueKind.String
                && param.GetString() == "response_format")
            {
                return true;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the reason text below.
        }
        return http.ServerReason(answer.Body).Contains("response_format", StringComparison.OrdinalIgnoreCase);
    }

    private SpeechToTextResult Result(SpeechToTextHttp http, string body)
    {
        List<SpeechSegment> segments;
        try
        {
            segments = Segments(body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw http.Unreadable($"expected {{\"segments\": [{{\"start\", \"end\", \"text\", \"speaker\"?}}]}} ({e.Message})");
        }
        var (entries, agent, rule) = SpeechToTextTurns.Build(segments, $"{Provider}, model {Model}");
        return new SpeechToTextResult(entries, agent, rule, Provider, Model);
    }

    /// <summary>The segments of a <c>diarized_json</c> or <c>verbose_json</c> answer; a <c>{"text"}</c>-only answer
    /// has none, which <see cref="SpeechToTextTurns.Build"/> reports as no speech.</summary>
    private static List<SpeechSegment> Segments(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the body is a JSON {root.ValueKind}, not an object");
        }
        if (!root.TryGetProperty("segments", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        return list.EnumerateArray().Select(s => new SpeechSegment(
            s.TryGetProperty("speaker", out var speaker) && speaker.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? speaker.ToString() : null,
            s.GetProperty("start").GetDouble(),
            s.GetProperty("end").GetDouble(),
            s.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "")).ToList();
    }
}
