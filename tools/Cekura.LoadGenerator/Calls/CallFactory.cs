using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Cekura.LoadGenerator.Calls;

/// <summary>A call ready to send: its body is built per request because each call_id must be new.</summary>
public sealed class CallTemplate
{
    public required string Format { get; init; }
    public required int Turns { get; init; }

    /// <summary>The recording upload; null for a JSON call.</summary>
    public byte[]? Recording { get; init; }

    /// <summary>The upload's format: wav, mp3, ogg or flac.</summary>
    public string RecordingFormat { get; init; } = "wav";

    /// <summary>JSON calls: the body split around the call_id. Multipart calls: the transcript_json text.</summary>
    public required byte[] Prefix { get; init; }
    public required byte[] Suffix { get; init; }
    public required string TranscriptJson { get; init; }
    public required long Agent { get; init; }

    public bool HasRecording => Recording is not null;

    /// <summary>Bytes on the wire (approximately, for multipart).</summary>
    public long BodyBytes => Recording is null ? Prefix.Length + Suffix.Length + 24 : TranscriptJson.Length + Recording.Length + 600;

    public HttpContent Body(string callId)
    {
        if (Recording is null)
        {
            var id = Encoding.UTF8.GetBytes(callId);
            var body = new byte[Prefix.Length + id.Length + Suffix.Length];
            Prefix.CopyTo(body, 0);
            id.CopyTo(body, Prefix.Length);
            Suffix.CopyTo(body, Prefix.Length + id.Length);
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }
        var file = new ByteArrayContent(Recording);
        file.Headers.ContentType = new MediaTypeHeaderValue(RecordingEncoder.ContentType(RecordingFormat));
        return new MultipartFormDataContent
        {
            { new StringContent(callId), "call_id" },
            { new StringContent(Agent.ToString(System.Globalization.CultureInfo.InvariantCulture)), "agent" },
            { new StringContent(Format), "transcript_type" },
            { new StringContent(TranscriptJson), "transcript_json" },
            { new StringContent("customer-ended-call"), "call_ended_reason" },
            { file, "voice_recording", $"call.{RecordingFormat}" },
        };
    }
}

/// <summary>
/// Makes a pool of distinct realistic calls (mixed formats, <c>minTurns</c>-<c>maxTurns</c> turns, a share with a
/// recording) once, before any phase, so that generating bodies costs the generator nothing while it measures.
/// </summary>
public sealed class CallFactory(LoadOptions options)
{
    private const string Marker = "@@CALL_ID@@"; // plain ASCII, so the serializer writes it unescaped

    /// <summary>Recordings are kept small: their calls have short turns and at most this many of them.</summary>
    public const int MaxRecordedTurns = 30;

    public IReadOnlyList<CallTemplate> Pool(int size)
    {
        var random = new Random(options.Seed);
        var formats = options.FormatList;
        var templates = new List<CallTemplate>(size);
        for (var i = 0; i < size; i++)
        {
            var format = formats[i % formats.Count];
            // Spread recordings evenly through the pool, so any stretch of sends carries about the configured share.
            var recorded = Math.Floor((i + 1) * options.Recordings) > Math.Floor(i * options.Recordings);
            templates.Add(recorded ? Recorded(random, format) : Plain(random, format));
        }
        return templates;
    }

    private CallTemplate Plain(Random random, string format)
    {
        var turns = random.Next(options.MinTurns, options.MaxTurns + 1);
        var conversation = Conversation.Generate(random, turns);
        var body = new JsonObject
        {
            ["call_id"] = Marker,
            ["agent"] = options.Agent,
            ["transcript_type"] = format,
            ["transcript_json"] = TranscriptFormats.Write(format, conversation),
            ["metadata"] = new JsonObject
            {
                ["customer_id"] = $"cust-{random.Next(5000)}",
                ["tier"] = random.Next(3) switch { 0 => "gold", 1 => "silver", _ => "bronze" },
                ["load_test"] = true,
            },
            ["call_ended_reason"] = random.Next(4) == 0 ? "assistant-ended-call" : "customer-ended-call",
            ["customer_number"] = $"+1415555{random.Next(10000):D4}",
        }.ToJsonString();
        var at = body.IndexOf(Marker, StringComparison.Ordinal);
        return new CallTemplate
        {
            Format = format,
            Turns = turns,
            Prefix = Encoding.UTF8.GetBytes(body[..at]),
            Suffix = Encoding.UTF8.GetBytes(body[(at + Marker.Length)..]),
            TranscriptJson = "",
            Agent = options.Agent,
        };
    }

    private CallTemplate Recorded(Random random, string format)
    {
        var turns = random.Next(options.MinTurns, Math.Max(options.MinTurns, Math.Min(options.MaxTurns, MaxRecordedTurns)) + 1);
        var conversation = Conversation.Generate(random, turns, secondsPerWord: 0.12, maxPause: 0.4);
        return new CallTemplate
        {
            Format = format,
            Turns = turns,
            Recording = RecordingEncoder.Encode(WavRecording.Generate(conversation, random), options.RecordingFormat),
            RecordingFormat = options.RecordingFormat,
            Prefix = [],
            Suffix = [],
            TranscriptJson = TranscriptFormats.Write(format, conversation).ToJsonString(),
            Agent = options.Agent,
        };
    }
}
