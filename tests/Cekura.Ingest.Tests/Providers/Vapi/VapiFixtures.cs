using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Tests.Providers.Vapi;

/// <summary>Vapi payloads written from the shapes in provider-formats.md §1, with their canonical transcripts.</summary>
internal static class VapiFixtures
{
    /// <summary>An end-of-call report (no envelope): system prompt, five turns, the extra fields Vapi adds to each.</summary>
    public const string NormalReport = """
        {
          "type": "end-of-call-report",
          "timestamp": 1760710101020,
          "endedReason": "customer-ended-call",
          "startedAt": "2025-10-17T14:08:02.410Z",
          "endedAt": "2025-10-17T14:08:19.904Z",
          "customer": { "number": "+16505550188" },
          "analysis": { "summary": "Caller moved a cleaning to Friday.", "successEvaluation": "true" },
          "artifact": {
            "transcript": "AI: Thanks for calling Bloom Dental, this is Ava. How can I help?\nUser: Hi, I need to move my cleaning to Friday.\n",
            "recording": { "stereoUrl": "https://storage.vapi.ai/7f0c2d1e-stereo.wav" },
            "messages": [
              { "role": "system", "message": "You are Ava, the scheduler for Bloom Dental.", "time": 1760710081850, "secondsFromStart": 0 },
              { "role": "bot", "message": "Thanks for calling Bloom Dental, this is Ava. How can I help?", "time": 1760710083120, "endTime": 1760710086480,
                "secondsFromStart": 1.12, "duration": 3360, "source": "", "assistantName": "Ava", "assistantId": "a1d3f5c7" },
              { "role": "user", "message": "Hi, I need to move my cleaning to Friday.", "time": 1760710087210, "endTime": 1760710089850,
                "secondsFromStart": 5.21, "duration": 2640, "isFiltered": false, "detectedThreats": [], "originalMessage": "hi i need to move my cleaning to friday",
                "metadata": { "wordLevelConfidence": [ { "word": "hi", "confidence": 0.93, "start": 5.21, "end": 5.4 } ] }, "speakerLabel": "Speaker 1" },
              { "role": "bot", "message": "Sure. Can I have your date of birth?", "time": 1760710090400, "endTime": 1760710092600,
                "secondsFromStart": 8.4, "duration": 2200, "source": "" },
              { "role": "user", "message": "March third, nineteen eighty-five.", "time": 1760710093500, "endTime": 1760710095700, "secondsFromStart": 11.5 },
              { "role": "bot", "message": "Thanks. You're all set for Friday at ten.", "time": 1760710096300, "endTime": 1760710098900,
                "secondsFromStart": 14.3, "duration": 2600, "source": "" }
            ]
          }
        }
        """;

    public static readonly TranscriptEntry[] NormalReportExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Thanks for calling Bloom Dental, this is Ava. How can I help?", 1.12, 4.48),
        Speech(TranscriptRoles.TestingAgent, "Hi, I need to move my cleaning to Friday.", 5.21, 7.85),
        Speech(TranscriptRoles.MainAgent, "Sure. Can I have your date of birth?", 8.4, 10.6),
        Speech(TranscriptRoles.TestingAgent, "March third, nineteen eighty-five.", 11.5, 13.7),
        Speech(TranscriptRoles.MainAgent, "Thanks. You're all set for Friday at ten.", 14.3, 16.9),
    ];

    /// <summary>The whole webhook body: a single tool call, then two in one message, results as a string and an object.</summary>
    public const string WebhookWithToolCalls = """
        {
          "message": {
            "type": "end-of-call-report",
            "endedReason": "customer-ended-call",
            "startedAt": "2025-10-17T14:08:02.410Z",
            "endedAt": "2025-10-17T14:08:24.904Z",
            "phoneNumber": { "provider": "twilio", "number": "+14155550123" },
            "call": { "id": "7f0c2d1e-5a3b-4c9d-8e21-6b4f0a9d3c11", "type": "inboundPhoneCall", "assistantId": "a1d3f5c7-2b4e-4f60-8a9c-1e3d5f7b9a20" },
            "analysis": { "summary": "Caller booked Friday 10:00 and asked for a reminder." },
            "artifact": {
              "recording": { "mono": { "combinedUrl": "https://storage.vapi.ai/7f0c2d1e-mono.wav" } },
              "messages": [
                { "role": "system", "message": "You are Ava, the scheduler for Bloom Dental.", "time": 1760710081850, "secondsFromStart": 0 },
                { "role": "bot", "message": "Thanks for calling Bloom Dental, this is Ava.", "time": 1760710083120, "endTime": 1760710085680, "secondsFromStart": 1.12, "duration": 2560, "source": "" },
                { "role": "user", "message": "Hi, I need to move my cleaning to Friday.", "time": 1760710086710, "endTime": 1760710089350, "secondsFromStart": 4.71, "duration": 2640 },
                { "role": "tool_calls", "message": "", "time": 1760710089990, "secondsFromStart": 7.99,
                  "toolCalls": [ { "id": "call_9fQ2kL", "type": "function", "function": { "name": "find_slots", "arguments": "{\"day\":\"friday\"}" } } ] },
                { "role": "tool_call_result", "toolCallId": "call_9fQ2kL", "name": "find_slots", "result": "{\"slots\":[\"10:00\",\"14:30\"]}", "time": 1760710090810, "secondsFromStart": 8.81 },
                { "role": "bot", "message": "Friday works, I have ten o'clock or two thirty.", "time": 1760710091400, "endTime": 1760710094220, "secondsFromStart": 9.4, "duration": 2820, "source": "" },
                { "role": "user", "message": "Ten, please. And text me a reminder.", "time": 1760710095100, "endTime": 1760710097300, "secondsFromStart": 13.1, "duration": 2200 },
                { "role": "tool_calls", "message": "", "time": 1760710097900, "secondsFromStart": 15.9,
                  "toolCalls": [
                    { "id": "call_B1", "type": "function", "function": { "name": "book_slot", "arguments": "{\"day\":\"friday\",\"time\":\"10:00\"}" } },
                    { "id": "call_B2", "type": "function", "function": { "name": "send_sms", "arguments": "{\"to\":\"+16505550188\"}" } } ] },
                { "role": "tool_call_result", "toolCallId": "call_B1", "name": "book_slot", "result": {"booked": true, "confirmation": "BD-4471"}, "time": 1760710098600, "secondsFromStart": 16.6 },
                { "role": "tool_call_result", "toolCallId": "call_B2", "result": "sent", "time": 1760710098750, "secondsFromStart": 16.75, "metadata": {}, "warnings": [] },
                { "role": "bot", "message": "Done: Friday at ten, and a reminder is on its way.", "time": 1760710099200, "endTime": 1760710102400, "secondsFromStart": 17.2, "duration": 3200, "source": "" }
              ]
            }
          }
        }
        """;

    public static readonly TranscriptEntry[] WebhookWithToolCallsExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Thanks for calling Bloom Dental, this is Ava.", 1.12, 3.68),
        Speech(TranscriptRoles.TestingAgent, "Hi, I need to move my cleaning to Friday.", 4.71, 7.35),
        Call("call_9fQ2kL", "find_slots", "{\"day\":\"friday\"}", 7.99),
        Result("call_9fQ2kL", "find_slots", "{\"slots\":[\"10:00\",\"14:30\"]}", 8.81),
        Speech(TranscriptRoles.MainAgent, "Friday works, I have ten o'clock or two thirty.", 9.4, 12.22),
        Speech(TranscriptRoles.TestingAgent, "Ten, please. And text me a reminder.", 13.1, 15.3),
        Call("call_B1", "book_slot", "{\"day\":\"friday\",\"time\":\"10:00\"}", 15.9),
        Call("call_B2", "send_sms", "{\"to\":\"+16505550188\"}", 15.9),
        Result("call_B1", "book_slot", """{"booked": true, "confirmation": "BD-4471"}""", 16.6),
        Result("call_B2", "send_sms", "sent", 16.75),
        Speech(TranscriptRoles.MainAgent, "Done: Friday at ten, and a reminder is on its way.", 17.2, 20.4),
    ];

    /// <summary>The seed's short form: <c>time</c> in seconds from the start, no ends, one time as a string.</summary>
    public const string SeedShortForm = """
        [
          { "role": "bot", "message": "Hello, this is Ava from Bloom Dental.", "time": 0.0 },
          { "role": "user", "message": "Hi, I want to book a cleaning.", "time": 2.4 },
          { "role": "bot", "message": "Sure, what day works for you?", "time": "5.1" },
          { "role": "user", "message": "Friday.", "time": 9 }
        ]
        """;

    // Each turn ends at the next start, capped at 0.5 s a word (at least 1 s); the last one by the estimate alone.
    public static readonly TranscriptEntry[] SeedShortFormExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Hello, this is Ava from Bloom Dental.", 0, 2.4),
        Speech(TranscriptRoles.TestingAgent, "Hi, I want to book a cleaning.", 2.4, 5.1),
        Speech(TranscriptRoles.MainAgent, "Sure, what day works for you?", 5.1, 8.1),
        Speech(TranscriptRoles.TestingAgent, "Friday.", 9, 10),
    ];

    /// <summary>
    /// Legacy top-level <c>messages</c> in the envelope, with the quirks providers vary: <c>assistant</c>, numbers as
    /// strings, a null message, duration without endTime, a message without secondsFromStart (timed from Vapi's zero
    /// point), an endTime before time (falls back to duration), and a role we do not use.
    /// </summary>
    public const string LegacyMessagesWithQuirks = """
        {
          "message": {
            "type": "end-of-call-report",
            "endedReason": "assistant-ended-call",
            "messages": [
              { "role": "system", "message": "You are Ava.", "time": 1760710081850, "secondsFromStart": 0 },
              { "role": "assistant", "message": "Bloom Dental, Ava speaking.", "time": "1760710083000", "endTime": "1760710084500", "secondsFromStart": "1" },
              { "role": "user", "message": null, "time": 1760710085000, "endTime": 1760710085300, "secondsFromStart": 3 },
              { "role": "user", "message": "Is Dr. Patel in on Friday?", "time": 1760710086000, "secondsFromStart": 4, "duration": 1800 },
              { "role": "bot", "message": "She is, from nine to one.", "time": 1760710088000, "endTime": 1760710090250 },
              { "role": "voicemail", "message": "(beep)", "time": 1760710090500, "secondsFromStart": 8.5 },
              { "role": "bot", "message": "Anything else?", "time": 1760710091000, "endTime": 1760710090000, "secondsFromStart": 9, "duration": 700 },
              { "role": "user", "message": "No, thanks.", "time": 1760710092000, "endTime": 1760710092900, "secondsFromStart": 10, "speakerLabel": "Speaker 1" }
            ]
          }
        }
        """;

    public static readonly TranscriptEntry[] LegacyMessagesWithQuirksExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Bloom Dental, Ava speaking.", 1, 2.5),
        Speech(TranscriptRoles.TestingAgent, "Is Dr. Patel in on Friday?", 4, 5.8),
        Speech(TranscriptRoles.MainAgent, "She is, from nine to one.", 6, 8.25),
        Speech(TranscriptRoles.MainAgent, "Anything else?", 9, 9.7),
        Speech(TranscriptRoles.TestingAgent, "No, thanks.", 10, 10.9),
    ];

    public static readonly string[] All = [NormalReport, WebhookWithToolCalls, SeedShortForm, LegacyMessagesWithQuirks];

    public static TranscriptEntry Speech(string role, string content, double? start, double? end) =>
        new() { Role = role, Content = content, StartTime = start, EndTime = end };

    public static TranscriptEntry Call(string id, string name, string arguments, double? start) => new()
    {
        Role = TranscriptRoles.FunctionCall, Content = "", StartTime = start,
        Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments },
    };

    public static TranscriptEntry Result(string id, string name, string result, double? start) => new()
    {
        Role = TranscriptRoles.FunctionCallResult, Content = "", StartTime = start,
        Data = new FunctionCallData { Id = id, Name = name, Result = result },
    };

    /// <summary>Entry by entry: role, content and data exactly, times to a nanosecond (they are sums of decimals).</summary>
    public static void AssertTranscript(IReadOnlyList<TranscriptEntry> expected, IReadOnlyList<TranscriptEntry> actual)
    {
        Assert.Equal(expected.Select(e => $"{e.Role}: {e.Content}"), actual.Select(e => $"{e.Role}: {e.Content}"));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, actual[i].Data);
            AssertTime(expected[i].StartTime, actual[i].StartTime, $"entry {i} start_time");
            AssertTime(expected[i].EndTime, actual[i].EndTime, $"entry {i} end_time");
        }
    }

    private static void AssertTime(double? expected, double? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected == actual, $"{what}: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
            return;
        }
        Assert.True(Math.Abs(expected.Value - actual.Value) < 1e-9, $"{what}: expected {expected}, got {actual}");
    }
}
