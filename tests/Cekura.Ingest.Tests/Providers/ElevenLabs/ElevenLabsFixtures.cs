namespace Cekura.Ingest.Tests.Providers.ElevenLabs;

/// <summary>
/// ElevenLabs Agents payloads written for these tests from the verified shapes (provider-formats.md §3): the
/// conversation <c>transcript</c> turns, the conversation object and the <c>post_call_transcription</c> webhook body.
/// </summary>
public static class ElevenLabsFixtures
{
    /// <summary>A plain pizza order as the bare <c>transcript</c> array: speech turns only, tools null.</summary>
    public const string NormalCall = """
        [
          { "role": "agent", "message": "Hi, this is Sam from Harbor Pizza. How can I help?", "tool_calls": null, "tool_results": null,
            "feedback": null, "llm_override": null, "time_in_call_secs": 0, "conversation_turn_metrics": null, "rag_retrieval_info": null,
            "llm_usage": null, "interrupted": false, "original_message": null, "source_medium": "audio" },
          { "role": "user", "message": "I'd like to order a large margherita for pickup.", "tool_calls": null, "tool_results": null,
            "feedback": null, "time_in_call_secs": 5, "interrupted": false, "source_medium": "audio" },
          { "role": "agent", "message": "Sure. Can I get a name for the order?", "tool_calls": null, "tool_results": null, "time_in_call_secs": 9,
            "interrupted": false, "conversation_turn_metrics": { "metrics": { "convai_llm_service_ttfb": { "elapsed_time": 0.31 } } } },
          { "role": "user", "message": "Dana.", "tool_calls": null, "tool_results": null, "time_in_call_secs": 17, "interrupted": false },
          { "role": "agent", "message": "Thanks Dana, it will be ready in twenty minutes.", "tool_calls": null, "tool_results": null,
            "time_in_call_secs": 18, "interrupted": false }
        ]
        """;

    /// <summary>
    /// A vet booking as the whole <c>post_call_transcription</c> webhook: a webhook tool called and answered in their
    /// own <c>message: null</c> turns, a tool called on a spoken turn, and the <c>end_call</c> system tool whose
    /// <c>result_value</c> is empty beside a structured <c>result</c>.
    /// </summary>
    public const string ToolCallsWebhook = """
        {
          "type": "post_call_transcription",
          "event_timestamp": 1761903263,
          "data": {
            "agent_id": "agent_5501k8x2c9f3e7qv4tm1bd6",
            "conversation_id": "conv_8801k8x3q6w0fj2ns7hy4ra",
            "status": "done",
            "user_id": null,
            "has_audio": true, "has_user_audio": true, "has_response_audio": true,
            "transcript": [
              { "role": "agent", "message": "Good afternoon, Lakeside Veterinary. How can I help you today?", "tool_calls": [], "tool_results": [],
                "feedback": null, "time_in_call_secs": 0, "interrupted": false, "source_medium": "audio" },
              { "role": "user", "message": "I need to book a checkup for my dog Max next Tuesday.", "tool_calls": [], "tool_results": [],
                "feedback": null, "time_in_call_secs": 4, "interrupted": false, "source_medium": "audio" },
              { "role": "agent", "message": null, "time_in_call_secs": 8, "tool_results": [],
                "tool_calls": [ { "type": "webhook", "request_id": "check_availability_5f2e91", "tool_name": "check_availability",
                                  "params_as_json": "{\"date\":\"2025-11-04\",\"service\":\"checkup\"}", "tool_has_been_called": true,
                                  "tool_details": { "type": "webhook", "method": "POST", "url": "https://api.lakesidevet.example/availability",
                                                    "headers": {}, "path_params": {}, "query_params": {}, "body": "{\"date\":\"2025-11-04\",\"service\":\"checkup\"}" } } ] },
              { "role": "agent", "message": null, "time_in_call_secs": 8, "tool_calls": [],
                "tool_results": [ { "type": "webhook", "request_id": "check_availability_5f2e91", "tool_name": "check_availability",
                                    "result_value": "{\"slots\":[\"09:30\",\"15:00\"]}", "is_error": false, "tool_has_been_called": true,
                                    "tool_latency_secs": 0.62, "dynamic_variable_updates": [] } ] },
              { "role": "agent", "message": "Tuesday I have nine thirty or three in the afternoon.", "tool_calls": [], "tool_results": [],
                "time_in_call_secs": 9, "interrupted": false },
              { "role": "user", "message": "Nine thirty, please.", "tool_calls": [], "tool_results": [], "time_in_call_secs": 14, "interrupted": false },
              { "role": "agent", "message": "Let me book that for you.", "time_in_call_secs": 16, "interrupted": false, "tool_results": [],
                "tool_calls": [ { "type": "webhook", "request_id": "book_appointment_7a1c04", "tool_name": "book_appointment",
                                  "params_as_json": "{\"slot\":\"2025-11-04T09:30\",\"pet\":\"Max\"}", "tool_has_been_called": true } ] },
              { "role": "agent", "message": null, "time_in_call_secs": 17, "tool_calls": [],
                "tool_results": [ { "type": "webhook", "request_id": "book_appointment_7a1c04", "tool_name": "book_appointment",
                                    "result_value": "{\"confirmation\":\"LV-2291\"}", "is_error": false, "tool_has_been_called": true, "tool_latency_secs": 0.48 } ] },
              { "role": "agent", "message": "You're all set, Max is booked for nine thirty on Tuesday.", "tool_calls": [], "tool_results": [],
                "time_in_call_secs": 18, "interrupted": false },
              { "role": "agent", "message": null, "time_in_call_secs": 23,
                "tool_calls": [ { "type": "system", "request_id": "end_call_0d9b33", "tool_name": "end_call", "params_as_json": "{\"reason\":\"task complete\"}",
                                  "tool_has_been_called": true, "tool_details": null } ],
                "tool_results": [ { "type": "system", "request_id": "end_call_0d9b33", "tool_name": "end_call", "result_value": "", "is_error": false,
                                    "tool_has_been_called": true, "result": {"type":"end_call_success","status":"success","reason":"task complete"} } ] }
            ],
            "metadata": {
              "start_time_unix_secs": 1761903201,
              "accepted_time_unix_secs": 1761903201,
              "call_duration_secs": 25,
              "cost": 188,
              "termination_reason": "end_call tool was called.",
              "main_language": "en",
              "phone_call": { "type": "sip_trunking", "direction": "inbound", "phone_number_id": "phnum_3c2b1a", "agent_number": "+13125550140",
                              "external_number": "+17735550193", "call_id": "f3b2c1d0-sip" }
            },
            "analysis": { "call_successful": "success", "transcript_summary": "Booked a checkup for Max on Tuesday 09:30.",
                          "evaluation_criteria_results": {}, "data_collection_results": {} },
            "conversation_initiation_client_data": { "dynamic_variables": { "system__caller_id": "+17735550193" } }
          }
        }
        """;

    /// <summary>
    /// An internet support call as the GET-conversation object, with the quirks providers vary: a time sent as a
    /// string, null and empty tool lists, a null-message turn with no tools, an empty message, an interrupted greeting,
    /// a tool result without <c>tool_name</c> in a later turn (is_error), a long silence, and unrelated extra fields.
    /// </summary>
    public const string QuirksConversation = """
        {
          "agent_id": "agent_2201k90a7d5m",
          "conversation_id": "conv_6601k90b1x8e",
          "status": "done",
          "transcript": [
            { "role": "agent", "message": "Hello, you've reached Northwind Internet support. Who am I speaking with?", "time_in_call_secs": 0,
              "interrupted": true, "agent_metadata": { "agent_id": "agent_2201k90a7d5m", "branch_id": null, "workflow_node_id": "node_greeting" },
              "multivoice_message": null },
            { "role": "user", "message": "Hi, it's Priya, my internet keeps dropping.", "time_in_call_secs": "3", "tool_calls": null, "tool_results": null },
            { "role": "user", "message": null, "time_in_call_secs": 6, "tool_calls": [], "tool_results": [], "ignored_as_backchannel": true },
            { "role": "agent", "message": "", "time_in_call_secs": 7 },
            { "role": "agent", "message": "I'm sorry to hear that. Let me check your line.", "time_in_call_secs": 7, "tool_results": null,
              "tool_calls": [ { "type": "webhook", "request_id": "line_status_83c1", "tool_name": "line_status", "params_as_json": "{\"account\":\"priya.n\"}",
                                "tool_has_been_called": true } ],
              "llm_usage": { "model_usage": { "gemini-2.0-flash": { "input": { "tokens": 1840, "price": 0.0002 } } } } },
            { "role": "agent", "message": null, "time_in_call_secs": 9,
              "tool_results": [ { "request_id": "line_status_83c1", "result_value": "{\"error\":\"upstream timeout\"}", "is_error": true,
                                  "error_type": "timeout", "raw_error_message": "timed out after 2s", "tool_has_been_called": true, "tool_latency_secs": 2.0 } ] },
            { "role": "agent", "message": "Our system is slow right now. Could you restart your router and tell me when the lights are green?",
              "time_in_call_secs": 10, "interrupted": false, "rag_retrieval_info": null },
            { "role": "user", "message": "Okay, they're green now.", "time_in_call_secs": 58, "source_medium": "audio" },
            { "role": "agent", "message": "Great, your connection should be stable again.", "time_in_call_secs": 60, "feedback": null }
          ],
          "metadata": { "start_time_unix_secs": 1761991200, "call_duration_secs": 64, "termination_reason": "Client disconnected" },
          "analysis": null
        }
        """;

    public static readonly string[] All = [NormalCall, ToolCallsWebhook, QuirksConversation];
}
