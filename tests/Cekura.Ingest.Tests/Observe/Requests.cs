using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cekura.Ingest.Observe;
using Cekura.Ingest.Recordings;
using Cekura.Ingest.Transcripts;
using Cekura.Ingest.Providers.Cekura;
using Cekura.Speech.SpeechToText;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cekura.Ingest.Tests.Observe;

/// <summary>What the validator answered: the accepted call, or the errors in their wire shape.</summary>
public sealed record Outcome(SendCall? Call, IReadOnlyDictionary<string, List<string>> Errors)
{
    public SendCall Accepted()
    {
        Assert.True(Call is not null, "expected the request to be accepted, got " + JsonSerializer.Serialize(Errors));
        Assert.Empty(Errors);
        return Call!;
    }

    /// <summary>The whole error body must be exactly <paramref name="expected"/> (field order aside).</summary>
    public void Rejected(params (string Field, string Message)[] expected)
    {
        Assert.Null(Call);
        var want = expected.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToList());
        Assert.Equal(Canonical(want), Canonical(Errors));
    }

    private static string Canonical(IReadOnlyDictionary<string, List<string>> errors) =>
        JsonSerializer.Serialize(new SortedDictionary<string, List<string>>(errors.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal),
            new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>Builds Send Calls bodies the way the endpoint does: JSON bodies and (multipart) forms.</summary>
public static class Requests
{
    public const string SeedTranscript = """
        [
          {"role": "Testing Agent", "content": "Hello.", "end_time": 1.9399999, "start_time": 1.4399999},
          {"role": "Main Agent", "content": "Hello. I want to book appointment today. My name is John.", "end_time": 7.539999511718751, "start_time": 3.1},
          {"role": "Testing Agent", "content": "Well, I mean, sure. What time exactly are we talking about here", "end_time": 15.71, "start_time": 12.01},
          {"role": "Main Agent", "content": "6 PM.", "end_time": 18.269999, "start_time": 17.609999}
        ]
        """;

    /// <summary>A validator on a server with a speech-to-text backend, so none-mono is possible.</summary>
    public static readonly SendCallValidator Validator =
        new(new TranscriptParsers([new CekuraTranscriptParser()]), new SpeechToTextOptions { Provider = "OpenAI" });

    /// <summary>A validator on a server without a speech-to-text backend.</summary>
    public static readonly SendCallValidator ValidatorWithoutSpeechToText =
        new(new TranscriptParsers([new CekuraTranscriptParser()]), new SpeechToTextOptions());

    /// <summary>A valid JSON body: call id, agent and the seed transcript.</summary>
    public static JsonObject ValidJson() => new()
    {
        ["call_id"] = "call_abc123xyz",
        ["agent"] = 2421,
        ["transcript_json"] = JsonNode.Parse(SeedTranscript),
    };

    public static JsonObject With(string field, JsonNode? value)
    {
        var body = ValidJson();
        body[field] = value;
        return body;
    }

    public static JsonObject Without(string field)
    {
        var body = ValidJson();
        body.Remove(field);
        return body;
    }

    public static Outcome Json(JsonObject body) => Json(body.ToJsonString());

    public static Outcome Json(string body)
    {
        using var document = JsonDocument.Parse(body);
        return Validate(SendCallBody.FromJson(document.RootElement));
    }

    /// <summary>The form fields of a valid multipart request (without a recording).</summary>
    public static Dictionary<string, StringValues> ValidForm() => new()
    {
        ["call_id"] = "call_abc123xyz",
        ["agent"] = "2421",
        ["transcript_json"] = SeedTranscript,
    };

    public static Dictionary<string, StringValues> FormWith(string field, StringValues value)
    {
        var fields = ValidForm();
        fields[field] = value;
        return fields;
    }

    public static Outcome Form(Dictionary<string, StringValues> fields, byte[]? recording = null, string fileName = "call.bin")
    {
        FormFileCollection? files = null;
        if (recording is not null)
        {
            files =
            [
                new FormFile(new MemoryStream(recording), 0, recording.Length, SendCallBody.RecordingPart, fileName)
                {
                    Headers = new HeaderDictionary(),
                },
            ];
        }
        return Validate(SendCallBody.FromForm(new FormCollection(fields, files)));
    }

    /// <summary>Reads the recording's first bytes as the endpoint does, then validates.</summary>
    public static Outcome Validate(SendCallBody body) => Validate(body, Validator);

    public static Outcome Validate(SendCallBody body, SendCallValidator validator)
    {
        var header = Array.Empty<byte>();
        if (body.Recording is { } upload)
        {
            using var stream = upload.OpenReadStream();
            var buffer = new byte[AudioFormat.HeaderLength];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            header = buffer[..read];
        }
        var (call, errors) = validator.Validate(body, header);
        return new Outcome(call, errors.ToDictionary());
    }

    public static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case string ascii:
                    bytes.AddRange(Encoding.ASCII.GetBytes(ascii));
                    break;
                case byte[] raw:
                    bytes.AddRange(raw);
                    break;
                case int b:
                    bytes.Add((byte)b);
                    break;
                default:
                    throw new ArgumentException($"unsupported part {part}");
            }
        }
        // Pad like a real file so the header read is a full one.
        bytes.AddRange(new byte[Math.Max(0, 128 - bytes.Count)]);
        return bytes.ToArray();
    }
}
