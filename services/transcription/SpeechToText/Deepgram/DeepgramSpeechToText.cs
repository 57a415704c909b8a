using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Cekura.Speech.SpeechToText;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Transcription.SpeechToText.Deepgram;

/// <summary>
/// Deepgram's pre-recorded API: <c>POST {BaseUrl}/v1/listen?model=…&amp;diarize=true&amp;utterances=true&amp;punctuate=true&amp;smart_format=true</c>
/// with the audio bytes as the body (its own <c>Content-Type</c>) and <c>Authorization: Token {ApiKey}</c>. Turns come from
/// <c>results.utterances[] {start, end, speaker, transcript}</c>; when a response has none, from
/// <c>results.channels[0].alternatives[0].words[] {word, punctuated_word?, start, end, speaker?}</c>, joined into turns
/// per speaker by <see cref="SpeechToTextTurns"/>. Errors come as <c>{"err_code", "err_msg", "request_id"}</c>.
/// </summary>
public sealed class DeepgramSpeechToText(
    IHttpClientFactory httpClients, IOptions<SpeechToTextOptions> options, SpeechToTextRetry retry,
    ILogger<DeepgramSpeechToText> logger) : ISpeechToText
{
    public const string Provider = "Deepgram";
    public const string HttpClientName = "SpeechToText.Deepgram";
    public const string DefaultModel = "nova-3";

    private readonly SpeechToTextOptions _options = options.Value;

    private string Model => string.IsNullOrWhiteSpace(_options.Model) ? DefaultModel : _options.Model.Trim();

    public async Task<SpeechToTextResult> TranscribeAsync(string audioPath, string contentType, CancellationToken ct)
    {
        var what = $"{Provider}, model {Model}";
        var http = new SpeechToTextHttp(httpClients.CreateClient(HttpClientName), _options, retry, logger, what);
        var uri = new Uri(_options.BaseUrl!.TrimEnd('/')
            + $"/v1/listen?model={Uri.EscapeDataString(Model)}&diarize=true&utterances=true&punctuate=true&smart_format=true");

        var answer = await http.SendAsync(() => Request(uri, audioPath, contentType), ct);
        if (!answer.IsSuccess)
        {
            throw http.Rejected(answer);
        }
        List<SpeechSegment> segments;
        try
        {
            segments = Segments(answer.Body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw http.Unreadable($"expected {{\"results\": {{\"utterances\": [{{\"start\", \"end\", \"speaker\", \"transcript\"}}]}}}} ({e.Message})");
        }
        var (entries, agent, rule) = SpeechToTextTurns.Build(segments, what);
        return new SpeechToTextResult(entries, agent, rule, Provider, Model);
    }

    private HttpRequestMessage Request(Uri uri, string audioPath, string contentType)
    {
        var body = new StreamContent(AudioFile.OpenRead(audioPath));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = body };
        if (!string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", _options.ApiKey);
        }
        return request;
    }

    private static List<SpeechSegment> Segments(string body)
    {
        using var document = JsonDocument.Parse(body);
        var results = document.RootElement.GetProperty("results");
        if (results.TryGetProperty("utterances", out var utterances) && utterances.ValueKind == JsonValueKind.Array
            && utterances.GetArrayLength() > 0)
        {
            return utterances.EnumerateArray().Select(u => new SpeechSegment(
                Speaker(u), u.GetProperty("start").GetDouble(), u.GetProperty("end").GetDouble(),
                u.TryGetProperty("transcript", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "")).ToList();
        }
        if (!results.TryGetProperty("channels", out var channels) || channels.ValueKind != JsonValueKind.Array
            || channels.GetArrayLength() == 0
            || !channels[0].TryGetProperty("alternatives", out var alternatives) || alternatives.GetArrayLength() == 0
            || !alternatives[0].TryGetProperty("words", out var words) || words.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        return words.EnumerateArray().Select(w => new SpeechSegment(
            Speaker(w), w.GetProperty("start").GetDouble(), w.GetProperty("end").GetDouble(), WordText(w))).ToList();
    }

    private static string? Speaker(JsonElement item) =>
        item.TryGetProperty("speaker", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n)
            ? n.ToString(CultureInfo.InvariantCulture)
            : null;

    /// <summary><c>punctuated_word</c> when Deepgram punctuated, else <c>word</c>.</summary>
    private static string WordText(JsonElement word) =>
        (word.TryGetProperty("punctuated_word", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null)
        ?? (word.TryGetProperty("word", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null)
        ?? "";
}
