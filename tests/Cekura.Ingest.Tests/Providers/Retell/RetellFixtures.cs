using Cekura.Contracts.Calls;

namespace Cekura.Ingest.Tests.Providers.Retell;

/// <summary>Retell payloads written from the shapes in provider-formats.md §2, with their canonical transcripts.</summary>
internal static class RetellFixtures
{
    /// <summary>A <c>call_ended</c> webhook body with <c>transcript_object</c> only, and a warm transfer.</summary>
    public const string WebhookWithWarmTransfer = """
        {
          "event": "call_ended",
          "call": {
            "call_id": "call_2d7a41c9e0b84f16a3d5c8e2",
            "call_type": "phone_call",
            "agent_id": "agent_9e4b1c7d2f6a0e8b3c5d",
            "agent_version": 2,
            "call_status": "ended",
            "direction": "outbound",
            "from_number": "+14155550123",
            "to_number": "+16505550188",
            "start_timestamp": 1760711000114,
            "end_timestamp": 1760711021906,
            "duration_ms": 21792,
            "disconnection_reason": "call_transfer",
            "transfer_destination": "+14155550999",
            "recording_url": "https://dxc03zgurdly9.cloudfront.net/call_2d7a41c9/recording.wav",
            "transcript": "Agent: Hi, this is Max from Northwind Insurance returning your call.\nUser: Oh hi. I wanted to ask about my claim.\n",
            "transcript_object": [
              { "role": "agent", "content": "Hi, this is Max from Northwind Insurance returning your call.", "words": [
                { "word": "Hi,", "start": 0.48, "end": 0.7 }, { "word": "this", "start": 0.7, "end": 0.86 }, { "word": "is", "start": 0.86, "end": 0.95 },
                { "word": "Max", "start": 0.95, "end": 1.31 }, { "word": "your", "start": 2.7, "end": 3.02 }, { "word": "call.", "start": 3.02, "end": 3.4 } ] },
              { "role": "user", "content": "Oh hi. I wanted to ask about my claim.", "words": [
                { "word": "Oh", "start": 4.1, "end": 4.3 }, { "word": "hi.", "start": 4.3, "end": 4.62 }, { "word": "claim.", "start": 5.7, "end": 6.05 } ] },
              { "role": "agent", "content": "Let me connect you with a claims specialist.", "words": [
                { "word": "Let", "start": 6.8, "end": 6.95 }, { "word": "specialist.", "start": 8.5, "end": 9.12 } ] },
              { "role": "transfer_target", "content": "Claims, this is Dana. How can I help?", "words": [
                { "word": "Claims,", "start": 14.2, "end": 14.71 }, { "word": "help?", "start": 16.3, "end": 16.7 } ] },
              { "role": "user", "content": "Hi Dana, it's about claim 4471.", "words": [
                { "word": "Hi", "start": 17.3, "end": 17.5 }, { "word": "4471.", "start": 18.6, "end": 19.45 } ] }
            ],
            "metadata": { "crm_id": "P-88120" }
          }
        }
        """;

    public static readonly TranscriptEntry[] WebhookWithWarmTransferExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Hi, this is Max from Northwind Insurance returning your call.", 0.48, 3.4),
        Speech(TranscriptRoles.TestingAgent, "Oh hi. I wanted to ask about my claim.", 4.1, 6.05),
        Speech(TranscriptRoles.MainAgent, "Let me connect you with a claims specialist.", 6.8, 9.12),
        Speech(TranscriptRoles.TestingAgent, "Claims, this is Dana. How can I help?", 14.2, 16.7),
        Speech(TranscriptRoles.TestingAgent, "Hi Dana, it's about claim 4471.", 17.3, 19.45),
    ];

    /// <summary>
    /// The call object itself (no envelope) with both arrays: <c>transcript_with_tool_calls</c> wins, its untimed tool
    /// entries stay between the turns around them, and a failed tool result is kept.
    /// </summary>
    public const string CallWithToolCalls = """
        {
          "call_id": "call_5b1e9c0f2a7d4e3b8c6a91d2",
          "call_type": "web_call",
          "agent_id": "agent_0c6f2e9a8b7d4c1e5f3a",
          "call_status": "ended",
          "start_timestamp": 1760710082311,
          "end_timestamp": 1760710098904,
          "duration_ms": 16593,
          "disconnection_reason": "agent_hangup",
          "recording_multi_channel_url": "https://dxc03zgurdly9.cloudfront.net/call_5b1e9c0f/recording_multichannel.wav",
          "transcript_object": [
            { "role": "agent", "content": "Thanks for calling Bloom Dental.", "words": [ { "word": "Thanks", "start": 0.52, "end": 0.81 }, { "word": "Dental.", "start": 1.6, "end": 2.05 } ] },
            { "role": "user", "content": "Can I move my cleaning to Friday?", "words": [ { "word": "Can", "start": 3.1, "end": 3.24 }, { "word": "Friday?", "start": 4.2, "end": 4.71 } ] }
          ],
          "transcript_with_tool_calls": [
            { "role": "agent", "content": "Thanks for calling Bloom Dental.", "words": [ { "word": "Thanks", "start": 0.52, "end": 0.81 }, { "word": "Dental.", "start": 1.6, "end": 2.05 } ] },
            { "role": "user", "content": "Can I move my cleaning to Friday?", "words": [ { "word": "Can", "start": 3.1, "end": 3.24 }, { "word": "Friday?", "start": 4.2, "end": 4.71 } ] },
            { "role": "tool_call_invocation", "tool_call_id": "tool_call_81b2e4", "name": "find_slots", "arguments": "{\"day\":\"friday\"}" },
            { "role": "tool_call_result", "tool_call_id": "tool_call_81b2e4", "content": "{\"slots\":[\"10:00\",\"14:30\"]}", "successful": true },
            { "role": "agent", "content": "Yes, ten o'clock is open. Shall I book it?", "words": [ { "word": "Yes,", "start": 6.02, "end": 6.3 }, { "word": "it?", "start": 8.1, "end": 8.4 } ] },
            { "role": "user", "content": "Yes please.", "words": [ { "word": "Yes", "start": 9.1, "end": 9.35 }, { "word": "please.", "start": 9.35, "end": 9.8 } ] },
            { "role": "tool_call_invocation", "tool_call_id": "tool_call_93c1f0", "name": "book_slot", "arguments": "{\"day\":\"friday\",\"time\":\"10:00\"}", "thought_signature": "c2lnbmF0dXJl" },
            { "role": "tool_call_result", "tool_call_id": "tool_call_93c1f0", "content": "calendar unavailable", "successful": false },
            { "role": "agent", "content": "Sorry, our calendar is down. I'll call you back to confirm.", "words": [ { "word": "Sorry,", "start": 11.3, "end": 11.7 }, { "word": "confirm.", "start": 14.4, "end": 14.9 } ] }
          ],
          "call_analysis": { "call_summary": "Caller asked to move a cleaning; booking failed.", "user_sentiment": "Neutral", "call_successful": false }
        }
        """;

    public static readonly TranscriptEntry[] CallWithToolCallsExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Thanks for calling Bloom Dental.", 0.52, 2.05),
        Speech(TranscriptRoles.TestingAgent, "Can I move my cleaning to Friday?", 3.1, 4.71),
        Call("tool_call_81b2e4", "find_slots", "{\"day\":\"friday\"}", null),
        Result("tool_call_81b2e4", "find_slots", "{\"slots\":[\"10:00\",\"14:30\"]}", null, isError: false), // successful: true
        Speech(TranscriptRoles.MainAgent, "Yes, ten o'clock is open. Shall I book it?", 6.02, 8.4),
        Speech(TranscriptRoles.TestingAgent, "Yes please.", 9.1, 9.8),
        Call("tool_call_93c1f0", "book_slot", "{\"day\":\"friday\",\"time\":\"10:00\"}", null),
        Result("tool_call_93c1f0", "book_slot", "calendar unavailable", null, isError: true), // successful: false
        Speech(TranscriptRoles.MainAgent, "Sorry, our calendar is down. I'll call you back to confirm.", 11.3, 14.9),
    ];

    /// <summary>
    /// A bare <c>transcript_with_tool_calls</c> with Retell's quirks: node_transition, dtmf, sms and injected entries
    /// (skipped), a turn with no words (untimed), word times as strings, a last word without an end, an invocation with
    /// the undeclared <c>time_sec</c>, a null content, and a turn whose only word has no times.
    /// </summary>
    public const string BareArrayWithQuirks = """
        [
          { "role": "node_transition", "former_node_id": "start", "former_node_name": "Greeting", "new_node_id": "n2", "new_node_name": "Collect reason", "transition_type": "normal" },
          { "role": "agent", "content": "Northwind Insurance, this is Max.", "words": [ { "word": "Northwind", "start": "0.4", "end": "0.9" }, { "word": "Max.", "start": "1.6", "end": "2.1" } ] },
          { "role": "user", "content": "I'd like to report a claim.", "words": [] },
          { "role": "dtmf", "digit": "1" },
          { "role": "user", "content": "Policy number is one two three.", "words": [ { "word": "Policy", "start": 5.2, "end": 5.6 }, { "word": "three.", "start": 7.0 } ] },
          { "role": "tool_call_invocation", "tool_call_id": "tc_1", "name": "lookup_policy", "arguments": "{\"policy\":\"123\"}", "time_sec": 7.4 },
          { "role": "tool_call_result", "tool_call_id": "tc_1", "content": "{\"status\":\"active\"}" },
          { "role": "sms", "content": "Your claim link: https://northwind.example/c/4471", "time_sec": 8.0, "multimedia": [] },
          { "role": "injected", "content": "caller verified", "time_sec": 8.1 },
          { "role": "agent", "content": "Thanks, your policy is active.", "words": [ { "word": "Thanks,", "start": 8.6, "end": 8.95 }, { "word": "active.", "start": 10.2, "end": 10.7 } ] },
          { "role": "user", "content": null, "words": [] },
          { "role": "agent", "content": "Goodbye.", "words": [ { "word": "Goodbye." } ] }
        ]
        """;

    public static readonly TranscriptEntry[] BareArrayWithQuirksExpected =
    [
        Speech(TranscriptRoles.MainAgent, "Northwind Insurance, this is Max.", 0.4, 2.1),
        Speech(TranscriptRoles.TestingAgent, "I'd like to report a claim.", null, null),
        Speech(TranscriptRoles.TestingAgent, "Policy number is one two three.", 5.2, 7.0),
        Call("tc_1", "lookup_policy", "{\"policy\":\"123\"}", 7.4),
        Result("tc_1", "lookup_policy", "{\"status\":\"active\"}", null),
        Speech(TranscriptRoles.MainAgent, "Thanks, your policy is active.", 8.6, 10.7),
        Speech(TranscriptRoles.MainAgent, "Goodbye.", null, null),
    ];

    public static readonly string[] All = [WebhookWithWarmTransfer, CallWithToolCalls, BareArrayWithQuirks];

    public static TranscriptEntry Speech(string role, string content, double? start, double? end) =>
        new() { Role = role, Content = content, StartTime = start, EndTime = end };

    public static TranscriptEntry Call(string id, string name, string arguments, double? start) => new()
    {
        Role = TranscriptRoles.FunctionCall, Content = "", StartTime = start,
        Data = new FunctionCallData { Id = id, Name = name, Arguments = arguments },
    };

    public static TranscriptEntry Result(string id, string name, string result, double? start, bool? isError = null) => new()
    {
        Role = TranscriptRoles.FunctionCallResult, Content = "", StartTime = start,
        Data = new FunctionCallData { Id = id, Name = name, Result = result, IsError = isError },
    };

    /// <summary>Entry by entry: role, content and data exactly, times to a nanosecond.</summary>
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
