namespace Cekura.Ingest.Tests.Providers.LiveKit;

/// <summary>
/// LiveKit Agents payloads written for these tests from the verified shapes (provider-formats.md §4):
/// <c>session.history.to_dict()</c>, <c>SessionReport.to_dict()</c> and the courtesy <c>[{role, content}]</c> list.
/// </summary>
public static class LiveKitFixtures
{
    /// <summary>
    /// A hotel booking as the default <c>session.history.to_dict()</c>: no <c>created_at</c>, speaking times in
    /// <c>metrics</c>, a system prompt, and a reply in two content parts.
    /// </summary>
    public const string NormalCall = """
        {
          "items": [
            { "id": "item_9f1e2d3c4b5a", "type": "message", "role": "system",
              "content": ["You are Leo, the front desk agent for Maple Street Hotel. Keep answers short."], "interrupted": false, "extra": {}, "metrics": {} },
            { "id": "item_0a1b2c3d4e5f", "type": "message", "role": "assistant", "content": ["Maple Street Hotel, this is Leo. How can I help?"],
              "interrupted": false, "extra": {},
              "metrics": { "started_speaking_at": 1762340401.25, "stopped_speaking_at": 1762340403.9, "tts_node_ttfb": 0.19,
                           "tts_metadata": { "model_name": "sonic-2", "model_provider": "cartesia" } } },
            { "id": "item_1b2c3d4e5f6a", "type": "message", "role": "user", "content": ["Hi, do you have a room for two nights starting Friday?"],
              "interrupted": false, "transcript_confidence": 0.94, "extra": {},
              "metrics": { "started_speaking_at": 1762340405.02, "stopped_speaking_at": 1762340408.47, "transcription_delay": 0.21, "end_of_turn_delay": 0.6,
                           "on_user_turn_completed_delay": 0.0, "stt_metadata": { "model_name": "nova-3", "model_provider": "deepgram" } } },
            { "id": "item_2c3d4e5f6a7b", "type": "message", "role": "assistant", "content": ["Yes, we have a queen room at 189 dollars a night."],
              "interrupted": false, "extra": {},
              "metrics": { "started_speaking_at": 1762340409.6, "stopped_speaking_at": 1762340412.85, "llm_node_ttft": 0.41, "e2e_latency": 1.13,
                           "provider_request_ids": ["chatcmpl-CQ1x"] } },
            { "id": "item_3d4e5f6a7b8c", "type": "message", "role": "user", "content": ["Great, please hold it under Lopez."],
              "interrupted": false, "transcript_confidence": 0.91, "extra": {},
              "metrics": { "started_speaking_at": 1762340414.1, "stopped_speaking_at": 1762340416.02 } },
            { "id": "item_4e5f6a7b8c9d", "type": "message", "role": "assistant", "content": ["Done.", "It's held under Lopez for Friday and Saturday."],
              "interrupted": false, "extra": {},
              "metrics": { "started_speaking_at": 1762340417.0, "stopped_speaking_at": 1762340420.31 } }
          ]
        }
        """;

    /// <summary>
    /// An order-status call as a <c>SessionReport.to_dict()</c>: <c>audio_recording_started_at</c> as the zero point,
    /// <c>created_at</c> on every item, two tool round trips, an agent handoff and a config update between them.
    /// </summary>
    public const string ToolCallsReport = """
        {
          "job_id": "AJ_7hR2mWq9xLc",
          "room_id": "RM_3kP8vN1sTd",
          "room": "call-_+14045550172_Qm7Zt",
          "events": [ { "type": "close", "reason": "participant_disconnected", "error": null, "created_at": 1762427030.84 } ],
          "audio_recording_path": "/tmp/lk-recordings/RM_3kP8vN1sTd.ogg",
          "audio_recording_started_at": 1762426980.5,
          "options": { "allow_interruptions": true, "min_endpointing_delay": 0.5, "max_endpointing_delay": 6.0, "max_tool_steps": 3 },
          "chat_history": {
            "items": [
              { "id": "item_5a6b7c8d9e0f", "type": "message", "role": "system", "content": ["You are Nora, support agent for Trailhead Outfitters."],
                "interrupted": false, "extra": {}, "metrics": {}, "created_at": 1762426980.31 },
              { "id": "item_6b7c8d9e0f1a", "type": "agent_config_update", "instructions": "You are Nora, support agent for Trailhead Outfitters.",
                "tools_added": ["track_order", "issue_refund"], "created_at": 1762426980.32 },
              { "id": "item_7c8d9e0f1a2b", "type": "message", "role": "assistant",
                "content": ["Thanks for calling Trailhead Outfitters, this is Nora. What can I do for you?"], "interrupted": false, "extra": {},
                "metrics": { "started_speaking_at": 1762426981.42, "stopped_speaking_at": 1762426985.06, "tts_node_ttfb": 0.23 }, "created_at": 1762426981.37 },
              { "id": "item_8d9e0f1a2b3c", "type": "message", "role": "user", "content": ["My order hasn't arrived yet, it's order 5518."],
                "interrupted": false, "transcript_confidence": 0.89, "extra": {},
                "metrics": { "started_speaking_at": 1762426986.2, "stopped_speaking_at": 1762426989.75, "transcription_delay": 0.24, "end_of_turn_delay": 0.43 },
                "created_at": 1762426990.18 },
              { "id": "item_9e0f1a2b3c4d", "type": "function_call", "call_id": "call_b7Yk2Pq0", "name": "track_order", "arguments": "{\"order_id\": \"5518\"}",
                "extra": {}, "group_id": "grp_01", "created_at": 1762426990.94 },
              { "id": "item_0f1a2b3c4d5e", "type": "function_call_output", "name": "track_order", "call_id": "call_b7Yk2Pq0",
                "output": "{\"status\": \"delayed\", \"eta\": \"2025-11-08\"}", "is_error": false, "reply_required": true, "created_at": 1762426991.66 },
              { "id": "item_1a2b3c4d5e6f", "type": "message", "role": "assistant",
                "content": ["It's delayed and should arrive Saturday. Would you like a refund of the shipping fee?"], "interrupted": false, "extra": {},
                "metrics": { "started_speaking_at": 1762426992.3, "stopped_speaking_at": 1762426996.48, "llm_node_ttft": 0.38, "e2e_latency": 2.55 },
                "created_at": 1762426992.05 },
              { "id": "item_2b3c4d5e6f7a", "type": "message", "role": "user", "content": ["Yes please."], "interrupted": false, "extra": {},
                "metrics": { "started_speaking_at": 1762426997.1, "stopped_speaking_at": 1762426997.9 }, "created_at": 1762426998.33 },
              { "id": "item_3c4d5e6f7a8b", "type": "agent_handoff", "old_agent_id": "support_agent", "new_agent_id": "billing_agent", "created_at": 1762426998.9 },
              { "id": "item_4d5e6f7a8b9c", "type": "function_call", "call_id": "call_Zr4n8Hs1", "name": "issue_refund",
                "arguments": "{\"order_id\": \"5518\", \"amount\": 12.5}", "extra": {}, "created_at": 1762426999.4 },
              { "id": "item_5e6f7a8b9c0d", "type": "function_call_output", "name": "issue_refund", "call_id": "call_Zr4n8Hs1",
                "output": "{\"refund_id\": \"rf_2291\"}", "is_error": false, "reply_required": true, "created_at": 1762427000.12 },
              { "id": "item_6f7a8b9c0d1e", "type": "message", "role": "assistant", "content": ["Done, twelve fifty is back on your card."],
                "interrupted": false, "extra": {},
                "metrics": { "started_speaking_at": 1762427000.8, "stopped_speaking_at": 1762427003.02 }, "created_at": 1762427000.61 }
            ]
          },
          "timestamp": 1762427031.2,
          "usage": [ { "type": "llm", "provider": "openai", "model": "gpt-4.1-mini", "input_tokens": 2214, "output_tokens": 96 } ],
          "sdk_version": "1.7.0"
        }
        """;

    /// <summary>
    /// A pharmacy call as <c>to_dict(exclude_timestamp=False, exclude_audio=False)</c> with the quirks: developer and
    /// system prompts, times as numeric strings, an interrupted reply in two parts overlapped by the caller, an audio
    /// content part, an interrupted reply with no content, a tool output with LiveKit's default empty name and
    /// <c>is_error</c>, a handoff and a config update, a turn with null metrics (start from <c>created_at</c>) and a
    /// user turn without <c>started_speaking_at</c>. No report, so the zero point is the earliest time.
    /// </summary>
    public const string QuirksHistory = """
        {
          "items": [
            { "id": "item_d0", "type": "message", "role": "developer", "content": ["Callers may ask about refills. Never give dosage advice."],
              "interrupted": false, "extra": {}, "metrics": {}, "created_at": 1762500100.02 },
            { "id": "item_s1", "type": "message", "role": "system", "content": ["You are Iris, the assistant at Riverside Pharmacy."],
              "interrupted": false, "extra": {}, "metrics": {}, "created_at": 1762500100.0 },
            { "id": "item_a2", "type": "message", "role": "assistant", "content": ["Riverside Pharmacy, this is Iris."], "interrupted": false, "extra": {},
              "metrics": { "started_speaking_at": "1762500101.5", "stopped_speaking_at": "1762500103.25" }, "created_at": "1762500101.4" },
            { "id": "item_a3", "type": "message", "role": "assistant", "content": ["Are you calling about a refill", "or a new prescription?"],
              "interrupted": true, "extra": {}, "metrics": { "started_speaking_at": 1762500103.4, "stopped_speaking_at": 1762500105.0 }, "created_at": 1762500103.3 },
            { "id": "item_u4", "type": "message", "role": "user",
              "content": ["A refill.", { "type": "audio_content", "frame": [], "transcript": "a refill" }], "interrupted": false, "extra": {},
              "metrics": { "started_speaking_at": 1762500104.6, "stopped_speaking_at": 1762500105.7 }, "created_at": 1762500106.05 },
            { "id": "item_a5", "type": "message", "role": "assistant", "content": [], "interrupted": true, "extra": {}, "metrics": {}, "created_at": 1762500106.3 },
            { "id": "item_f6", "type": "function_call", "call_id": "call_Vx81Lm", "name": "lookup_refill", "arguments": "{\"rx\": \"RX-40917\"}",
              "extra": {}, "created_at": 1762500106.9 },
            { "id": "item_o7", "type": "function_call_output", "name": "", "call_id": "call_Vx81Lm", "output": "pharmacy system unavailable",
              "is_error": true, "reply_required": true, "created_at": 1762500109.9 },
            { "id": "item_h8", "type": "agent_handoff", "old_agent_id": "front_desk", "new_agent_id": "refills", "created_at": 1762500110.1 },
            { "id": "item_c9", "type": "agent_config_update", "tools_removed": ["lookup_refill"], "created_at": 1762500110.12 },
            { "id": "item_a10", "type": "message", "role": "assistant", "content": ["Sorry, our system is down. I'll text you when it's ready."],
              "interrupted": false, "extra": {}, "metrics": null, "created_at": 1762500111.5 },
            { "id": "item_u11", "type": "message", "role": "user", "content": ["Thanks."], "interrupted": false, "extra": {},
              "metrics": { "stopped_speaking_at": 1762500116.2 }, "created_at": 1762500116.6 }
          ]
        }
        """;

    /// <summary>The courtesy shape: a bare list of <c>{role, content}</c> with string or list content and no times.</summary>
    public const string BareList = """
        [
          { "role": "system", "content": "You are Ava, the scheduler for Bloom Dental." },
          { "role": "assistant", "content": "Bloom Dental, Ava speaking." },
          { "role": "user", "content": ["Can I book a cleaning?"] },
          { "role": "assistant", "content": ["Sure,", "what day works for you?"], "interrupted": false }
        ]
        """;

    /// <summary>
    /// Cekura's documented list form: <c>{role, content, timestamp}</c> with <c>timestamp</c> in seconds from the call
    /// start, content a string or a list of strings, and its <c>tool_call</c> / <c>tool_call_result</c> entries.
    /// </summary>
    public const string DocumentedListForm = """
        [
          { "role": "system", "content": "You are Ava, the scheduler for Bloom Dental." },
          { "role": "assistant", "content": "Thanks for calling Bloom Dental, this is Ava.", "timestamp": 0.52 },
          { "role": "user", "content": ["Hi, can I move my cleaning", "to Friday?"], "timestamp": 4.6 },
          { "role": "tool_call", "content": "", "timestamp": 8.0,
            "data": { "id": "call_Qm2x81", "name": "find_slots", "arguments": "{\"day\": \"friday\"}" } },
          { "role": "tool_call_result", "content": "", "timestamp": 8.8,
            "data": { "id": "call_Qm2x81", "name": "find_slots", "result": "{\"slots\": [\"10:00\", \"14:30\"]}" } },
          { "role": "assistant", "content": "Friday works, I have ten o'clock or two thirty.", "timestamp": 9.4 },
          { "role": "user", "content": "Two thirty, please.", "timestamp": 13.1 }
        ]
        """;

    /// <summary>The parser tests' fixtures of LiveKit's own shapes; also the parser benchmark's LiveKit input.</summary>
    public static readonly string[] All = [NormalCall, ToolCallsReport, QuirksHistory, BareList];
}
