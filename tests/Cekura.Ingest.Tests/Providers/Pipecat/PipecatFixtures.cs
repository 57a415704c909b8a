namespace Cekura.Ingest.Tests.Providers.Pipecat;

/// <summary>Payloads a Pipecat app really sends (provider-formats.md §5), written for these tests.</summary>
internal static class PipecatFixtures
{
    /// <summary>The native endpoint's body: legacy transcript messages with ISO timestamps (+00:00), turn starts only.</summary>
    public const string NormalCall = """
        {
          "call_id": "CA3f1e9b27d04c",
          "customer_number": "+14155550142",
          "recording_url": "https://storage.example.com/pipecat/CA3f1e9b27d04c.wav",
          "messages": [
            { "role": "assistant", "content": "Thanks for calling Harbor Vet Clinic, this is Milo. How can I help?", "timestamp": "2025-11-04T16:20:01.250+00:00" },
            { "role": "user", "content": "Hi, my dog Biscuit needs his rabies booster.", "user_id": "+14155550142", "timestamp": "2025-11-04T16:20:05.900+00:00" },
            { "role": "assistant", "content": "Happy to help. What day works best for you?", "timestamp": "2025-11-04T16:20:09.480+00:00", "interrupted": false },
            { "role": "user", "content": "Thursday afternoon if possible.", "user_id": "+14155550142", "timestamp": "2025-11-04T16:20:12.010+00:00" },
            { "role": "assistant", "content": "Thursday at three is open. Shall I book it?", "timestamp": "2025-11-04T16:20:14.730+00:00", "interrupted": false },
            { "role": "user", "content": "Yes please.", "user_id": "+14155550142", "timestamp": "2025-11-04T16:20:18.400+00:00" }
          ]
        }
        """;

    /// <summary><c>LLMContext.get_messages()</c> in OpenAI form: system prompt, tool calls, tool results, content parts; no times.</summary>
    public const string LlmContextWithTools = """
        [
          { "role": "system", "content": "You are Milo, the receptionist at Harbor Vet Clinic. Keep answers short." },
          { "role": "assistant", "content": "Thanks for calling Harbor Vet Clinic. How can I help?" },
          { "role": "user", "content": "Can you check if Biscuit is due for anything?" },
          { "role": "assistant", "tool_calls": [
              { "id": "call_7fKp2Q", "type": "function", "function": { "name": "lookup_patient", "arguments": "{\"pet_name\": \"Biscuit\", \"phone\": \"+14155550142\"}" } } ] },
          { "role": "tool", "tool_call_id": "call_7fKp2Q", "content": "{\"due\": [\"rabies booster\"], \"last_visit\": \"2024-11-02\"}" },
          { "role": "assistant", "content": [ { "type": "text", "text": "Biscuit is due for his rabies booster." }, { "type": "text", "text": "Want me to find a slot?" } ] },
          { "role": "user", "content": [ { "type": "text", "text": "Yes, Thursday please." } ] },
          { "role": "assistant", "content": "Let me look.", "tool_calls": [
              { "id": "call_Zr81mX", "type": "function", "function": { "name": "find_slots", "arguments": "{\"day\": \"thursday\"}" } },
              { "id": "call_Q0a9Lw", "type": "function", "function": { "name": "get_vet_on_duty", "arguments": "{}" } } ] },
          { "role": "tool", "tool_call_id": "call_Zr81mX", "content": "{\"slots\": [\"15:00\", \"16:30\"]}" },
          { "role": "tool", "tool_call_id": "call_Q0a9Lw", "content": "COMPLETED" },
          { "role": "assistant", "content": "I have three or four thirty with Dr. Okafor." }
        ]
        """;

    /// <summary>The documented envelope with both the timed transcript and the LLM context (for its tool calls).</summary>
    public const string MessagesWithContext = """
        {
          "call_id": "CA71b0e4d2f9a3",
          "recording_url": "https://storage.example.com/calls/CA71b0e4d2f9a3.wav",
          "customer_number": "+16505550188",
          "ended_reason": "customer-ended-call",
          "messages": [
            { "role": "assistant", "content": "Good afternoon, Bloom Dental, this is Ava.", "timestamp": "2025-10-17T14:08:03.120Z" },
            { "role": "user", "content": "hi can I move my cleaning to friday", "user_id": "+16505550188", "timestamp": "2025-10-17T14:08:06.710Z" },
            { "role": "assistant", "content": "Friday works, I have ten o'clock or two thirty.", "timestamp": "2025-10-17T14:08:11.400Z", "interrupted": false },
            { "role": "user", "content": "Two thirty, please.", "user_id": "+16505550188", "timestamp": "2025-10-17T14:08:15.050Z" },
            { "role": "assistant", "content": "Done, you're booked for Friday at two thirty.", "timestamp": "2025-10-17T14:08:19.880Z", "interrupted": false }
          ],
          "context": [
            { "role": "system", "content": "You are Ava, the front desk assistant for Bloom Dental." },
            { "role": "assistant", "content": "Good afternoon, Bloom Dental, this is Ava." },
            { "role": "user", "content": "Hi, can I move my cleaning to Friday?" },
            { "role": "assistant", "tool_calls": [ { "id": "call_Qm2x81", "type": "function", "function": { "name": "find_slots", "arguments": "{\"day\": \"friday\"}" } } ] },
            { "role": "tool", "tool_call_id": "call_Qm2x81", "content": "{\"slots\": [\"10:00\", \"14:30\"]}" },
            { "role": "assistant", "content": "Friday works, I have ten o'clock or two thirty." },
            { "role": "user", "content": "Two thirty, please." },
            { "role": "assistant", "tool_calls": [ { "id": "call_Hb7c02", "type": "function", "function": { "name": "book_appointment", "arguments": "{\"day\": \"friday\", \"time\": \"14:30\"}" } } ] },
            { "role": "tool", "tool_call_id": "call_Hb7c02", "content": "{\"confirmed\": true}" },
            { "role": "assistant", "content": "Done, you're booked for Friday at two thirty." }
          ]
        }
        """;

    /// <summary>
    /// 1.x turn-event records as a user logs them: a null message, user content null (realtime mode), an assistant turn
    /// interrupted before any token (""), Z and offset timestamps, microseconds, a user turn logged after the assistant
    /// turn that began later (turn events fire when a turn stops), and extra fields.
    /// </summary>
    public const string TurnEventQuirks = """
        [
          null,
          { "role": "assistant", "content": "Hey there, thanks for calling Lumen Energy. What can I do for you?", "timestamp": "2026-08-21T14:03:07.512+00:00", "interrupted": false },
          { "role": "user", "content": null, "user_id": "caller-1", "timestamp": "2026-08-21T14:03:10.004+00:00" },
          { "role": "user", "content": "My bill doubled this month.", "user_id": "caller-1", "timestamp": "2026-08-21T07:03:11.250-07:00" },
          { "role": "assistant", "content": "", "interrupted": true, "timestamp": "2026-08-21T14:03:13.900Z" },
          { "role": "assistant", "content": "I'm sorry to hear that. Let me pull up your account.", "interrupted": false, "timestamp": "2026-08-21T14:03:15.020Z" },
          { "role": "user", "content": "Sure, it's under Priya Raman.", "user_id": "caller-1", "timestamp": "2026-08-21T14:03:14.700123Z" },
          { "role": "assistant", "content": "Thanks, Priya. I see a meter estimate on this bill.", "timestamp": "2026-08-21T14:03:19.880Z", "metadata": { "llm": "gpt-4o" } }
        ]
        """;

    /// <summary>Our own timed form (not a Pipecat shape): seconds, numbers as strings, a missing end, tool payloads as objects.</summary>
    public const string OwnTimedForm = """
        {
          "messages": [
            { "role": "assistant", "content": "Hello, you've reached Fern & Co. How may I help?", "start_time": 0.4, "end_time": 3.15 },
            { "role": "user", "content": "I'd like to check an order.", "start_time": "4.02", "end_time": "5.6" },
            { "role": "assistant", "tool_calls": [ { "id": "call_1", "type": "function", "function": { "name": "get_order", "arguments": {"order_id": "A-1182"} } } ] },
            { "role": "tool", "tool_call_id": "call_1", "content": {"status": "shipped"} },
            { "role": "assistant", "content": "It shipped yesterday.", "start_time": 7.1 }
          ]
        }
        """;

    /// <summary>Cekura's documented tool entries <c>{role: "tool_call" | "tool_call_result", data}</c> among transcript messages.</summary>
    public const string DocumentedToolEntries = """
        {
          "messages": [
            { "role": "assistant", "content": "Thanks for calling Bloom Dental, this is Ava.", "timestamp": "2025-10-17T14:08:03.120+00:00" },
            { "role": "user", "content": "Hi, can I move my cleaning to Friday?", "user_id": "+16505550188", "timestamp": "2025-10-17T14:08:06.710+00:00" },
            { "role": "tool_call", "data": { "id": "call_Qm2x81", "name": "find_slots", "arguments": "{\"day\": \"friday\"}" } },
            { "role": "tool_call_result", "data": { "id": "call_Qm2x81", "name": "find_slots", "result": "{\"slots\": [\"10:00\", \"14:30\"]}" } },
            { "role": "assistant_thought", "content": "Offer both slots.", "timestamp": "2025-10-17T14:08:10.900+00:00" },
            { "role": "assistant", "content": "Friday works, I have ten o'clock or two thirty.", "timestamp": "2025-10-17T14:08:11.400+00:00", "interrupted": false }
          ]
        }
        """;

    /// <summary>The parser tests' fixtures of Pipecat shapes; also the parser benchmark's Pipecat input.</summary>
    public static readonly string[] All = [NormalCall, LlmContextWithTools, MessagesWithContext, TurnEventQuirks, OwnTimedForm];
}
