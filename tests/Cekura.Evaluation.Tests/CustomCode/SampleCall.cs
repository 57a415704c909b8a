using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

/// <summary>A small call with every <c>data</c> field filled, and requests built on it.</summary>
internal static class SampleCall
{
    public static readonly CustomCodeData Data = new()
    {
        Transcript = "[00:00] Main Agent: Hello, thanks for calling.\n[00:02] Testing Agent: Hi, I need to book.",
        TranscriptJson =
        [
            new() { Role = TranscriptRoles.MainAgent, Content = "Hello, thanks for calling.", StartTime = 0.5, EndTime = 2 },
            new() { Role = TranscriptRoles.TestingAgent, Content = "Hi, I need to book.", StartTime = 2.5, EndTime = 4 },
            new()
            {
                Role = TranscriptRoles.FunctionCall, Content = "", StartTime = 4.2, EndTime = 4.2,
                Data = new FunctionCallData { Id = "c1", Name = "book", Arguments = """{"time":"18:00"}""" },
            },
            new() { Role = TranscriptRoles.MainAgent, Content = "Booked for six.", StartTime = 5, EndTime = 6 },
            new() { Role = TranscriptRoles.TestingAgent, Content = "Great, thanks.", StartTime = 6.5, EndTime = 7.5 },
            new() { Role = TranscriptRoles.MainAgent, Content = "Goodbye.", StartTime = 8, EndTime = 9 },
        ],
        CallDuration = 10,
        CallEndReason = "customer-ended-call",
        AgentDescription = "A booking agent for a hair salon.",
        Metadata = JsonDocument.Parse("""{"tier": "gold", "visits": 3, "nested": {"x": 5}}""").RootElement,
        DynamicVariables = JsonDocument.Parse("""{"customer_name": "Jane"}""").RootElement,
        Timestamp = new DateTimeOffset(2026, 3, 4, 10, 30, 0, TimeSpan.Zero),
        RecordingData = new RecordingData
        {
            SampleRate = 8000, Channels = 2, TotalDuration = 10, SeparableChannels = true, VoiceActivityDetector = "silero",
            MainSpeaking = [new(0.5, 2), new(5, 6), new(8, 9)],
            TestingSpeaking = [new(2.5, 4), new(6.5, 7.5)],
            ChannelSpeaking = [[new(0.5, 2), new(5, 6), new(8, 9)], [new(2.5, 4), new(6.5, 7.5)]],
            MainAgentChannelIndex = 0,
        },
        Metrics =
        [
            new MetricResult { Id = 1, Name = "Latency", Type = "numeric", Score = 750, Value = JsonSerializer.SerializeToElement(750) },
            new MetricResult { Id = 12, Name = "Call End Reason", Type = "enum", Enum = "customer_ended" },
        ],
    };

    public static readonly string Json = Data.ToJson();

    public static CustomCodeRequest Request(string code, string evalType = CustomCodeEvalTypes.Numeric, IReadOnlyList<string>? enumValues = null) =>
        new(code, evalType, enumValues ?? [], Json);
}
