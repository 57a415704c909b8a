namespace Cekura.Ingest.Tests.Providers.Deepgram;

/// <summary>Deepgram <c>/v1/listen</c> responses shaped like the real ones (provider-formats.md §6), written for these tests.</summary>
internal static class DeepgramFixtures
{
    /// <summary>
    /// <c>multichannel=true&amp;diarize=true&amp;utterances=true&amp;smart_format=true</c> on an inbound stereo call: the agent on
    /// channel 0 answers with a greeting. Speaker numbers restart at 0 in each channel.
    /// </summary>
    public const string StereoUtterances = """
        {
          "metadata": {
            "transaction_key": "deprecated",
            "request_id": "7d1e4c2a-0b9f-4e36-8a51-c4f2d9e07b18",
            "sha256": "4c8e2a1f9b0d7e3c6a5f2b8d1e0c9a7f3b6d2e8c1a4f7b0e9d3c6a2f5b8e1d4c",
            "created": "2025-11-04T16:21:02.337Z",
            "duration": 19.2,
            "channels": 2,
            "models": ["1ed36bac-f71c-4f3f-a31f-02fd6525c489"],
            "model_info": { "1ed36bac-f71c-4f3f-a31f-02fd6525c489": { "name": "general-nova-3", "version": "2025-07-31.0", "arch": "nova-3" } }
          },
          "results": {
            "channels": [
              { "alternatives": [ { "transcript": "Thank you for calling Crestview Pharmacy, this is Maya. How can I help you today?", "confidence": 0.99,
                  "words": [
                    { "word": "thank", "start": 0.48, "end": 0.7, "confidence": 0.99, "speaker": 0, "speaker_confidence": 0.82, "punctuated_word": "Thank" },
                    { "word": "you", "start": 0.7, "end": 0.86, "confidence": 0.99, "speaker": 0, "speaker_confidence": 0.82, "punctuated_word": "you" },
                    { "word": "today", "start": 3.5, "end": 3.91, "confidence": 0.98, "speaker": 0, "speaker_confidence": 0.82, "punctuated_word": "today?" } ] } ] },
              { "alternatives": [ { "transcript": "Hi, I'm calling to check on my refill for lisinopril.", "confidence": 0.95,
                  "words": [
                    { "word": "hi", "start": 4.62, "end": 4.85, "confidence": 0.97, "speaker": 0, "speaker_confidence": 0.77, "punctuated_word": "Hi," },
                    { "word": "lisinopril", "start": 6.3, "end": 7.05, "confidence": 0.88, "speaker": 0, "speaker_confidence": 0.77, "punctuated_word": "lisinopril." } ] } ] }
            ],
            "utterances": [
              { "start": 0.48, "end": 3.91, "confidence": 0.99, "channel": 0, "speaker": 0, "id": "0f3a9c1e-2b7d-4e85-a6c4-91d0e2f3b5a7",
                "transcript": "Thank you for calling Crestview Pharmacy, this is Maya. How can I help you today?",
                "words": [ { "word": "thank", "start": 0.48, "end": 0.7, "confidence": 0.99, "speaker": 0, "speaker_confidence": 0.82, "punctuated_word": "Thank" } ] },
              { "start": 4.62, "end": 7.05, "confidence": 0.95, "channel": 1, "speaker": 0, "id": "1a4b0d2f-3c8e-4f96-b7d5-a2e1f3c4d6b8",
                "transcript": "Hi, I'm calling to check on my refill for lisinopril.",
                "words": [ { "word": "hi", "start": 4.62, "end": 4.85, "confidence": 0.97, "speaker": 0, "speaker_confidence": 0.77, "punctuated_word": "Hi," } ] },
              { "start": 7.71, "end": 10.2, "confidence": 0.98, "channel": 0, "speaker": 0, "id": "2b5c1e3a-4d9f-4a07-88e6-b3f2a4d5e7c9",
                "transcript": "Sure. Can I have your date of birth, please?",
                "words": [ { "word": "sure", "start": 7.71, "end": 7.98, "confidence": 0.99, "speaker": 0, "speaker_confidence": 0.8, "punctuated_word": "Sure." } ] },
              { "start": 10.96, "end": 12.84, "confidence": 0.93, "channel": 1, "speaker": 0, "id": "3c6d2f4b-5e0a-4b18-99f7-c4a3b5e6f8d0",
                "transcript": "March third, nineteen seventy eight.",
                "words": [ { "word": "march", "start": 10.96, "end": 11.3, "confidence": 0.96, "speaker": 0, "speaker_confidence": 0.74, "punctuated_word": "March" } ] },
              { "start": 13.5, "end": 17.32, "confidence": 0.97, "channel": 0, "speaker": 0, "id": "4d7e3a5c-6f1b-4c29-8a08-d5b4c6f7a9e1",
                "transcript": "Thanks. Your refill is ready for pickup after two today.",
                "words": [ { "word": "thanks", "start": 13.5, "end": 13.86, "confidence": 0.99, "speaker": 0, "speaker_confidence": 0.8, "punctuated_word": "Thanks." } ] },
              { "start": 17.9, "end": 18.66, "confidence": 0.97, "channel": 1, "speaker": 0, "id": "5e8f4b6d-7a2c-4d3a-9b19-e6c5d7a8b0f2",
                "transcript": "Great, thanks.",
                "words": [ { "word": "great", "start": 17.9, "end": 18.2, "confidence": 0.98, "speaker": 0, "speaker_confidence": 0.79, "punctuated_word": "Great," } ] }
            ]
          }
        }
        """;

    /// <summary>
    /// <c>diarize_model=latest&amp;punctuate=true</c> on a mono outbound call, without utterances: words only. The callee
    /// (speaker 0) answers first; the agent (speaker 1) introduces itself; one word lacks <c>punctuated_word</c>; a 1.08 s
    /// pause splits the agent's speech into two turns.
    /// </summary>
    public const string MonoDiarizedWords = """
        {
          "metadata": {
            "request_id": "a3f9d2c1-6e4b-4d7a-9c08-5b1e2f3a4d6c",
            "sha256": "0e7c3a9f1d5b8e2c6a4f0d9b3e7c1a5f8d2b6e0c4a9f3d7b1e5c8a2f6d0b4e9c",
            "created": "2026-02-11T09:42:17.905Z",
            "duration": 8.4,
            "channels": 1,
            "models": ["3b3aabe4-608a-46ac-9585-7960a25daf1a"],
            "model_info": { "3b3aabe4-608a-46ac-9585-7960a25daf1a": { "name": "general-nova-3", "version": "2025-07-31.0", "arch": "nova-3" } }
          },
          "results": {
            "channels": [
              { "alternatives": [ { "transcript": "Hello? Hi, this is Leo from Northside Auto. Your car is ready. oh great, thanks. You're welcome.",
                  "confidence": 0.97,
                  "words": [
                    { "word": "hello", "start": 0.32, "end": 0.71, "confidence": 0.98, "speaker": 0, "speaker_confidence": 0.69, "punctuated_word": "Hello?" },
                    { "word": "hi", "start": 1.4, "end": 1.58, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "Hi," },
                    { "word": "this", "start": 1.58, "end": 1.74, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "this" },
                    { "word": "is", "start": 1.74, "end": 1.86, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "is" },
                    { "word": "leo", "start": 1.86, "end": 2.15, "confidence": 0.93, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "Leo" },
                    { "word": "from", "start": 2.15, "end": 2.33, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "from" },
                    { "word": "northside", "start": 2.33, "end": 2.8, "confidence": 0.91, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "Northside" },
                    { "word": "auto", "start": 2.8, "end": 3.22, "confidence": 0.95, "speaker": 1, "speaker_confidence": 0.88, "punctuated_word": "Auto." },
                    { "word": "your", "start": 4.3, "end": 4.45, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.9, "punctuated_word": "Your" },
                    { "word": "car", "start": 4.45, "end": 4.7, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.9, "punctuated_word": "car" },
                    { "word": "is", "start": 4.7, "end": 4.82, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.9, "punctuated_word": "is" },
                    { "word": "ready", "start": 4.82, "end": 5.3, "confidence": 0.98, "speaker": 1, "speaker_confidence": 0.9, "punctuated_word": "ready." },
                    { "word": "oh", "start": 5.9, "end": 6.1, "confidence": 0.81, "speaker": 0, "speaker_confidence": 0.62 },
                    { "word": "great", "start": 6.1, "end": 6.45, "confidence": 0.97, "speaker": 0, "speaker_confidence": 0.62, "punctuated_word": "great," },
                    { "word": "thanks", "start": 6.45, "end": 6.9, "confidence": 0.98, "speaker": 0, "speaker_confidence": 0.62, "punctuated_word": "thanks." },
                    { "word": "you're", "start": 7.4, "end": 7.62, "confidence": 0.97, "speaker": 1, "speaker_confidence": 0.85, "punctuated_word": "You're" },
                    { "word": "welcome", "start": 7.62, "end": 8.05, "confidence": 0.99, "speaker": 1, "speaker_confidence": 0.85, "punctuated_word": "welcome." }
                  ] } ] }
            ]
          }
        }
        """;

    /// <summary>
    /// Quirks of a stereo <c>utterances=true</c> response: utterances listed channel by channel rather than by time,
    /// times as strings, an utterance without <c>end</c> (its last word ends it), an empty utterance, no speaker labels
    /// (not diarized), a silent channel entry with no alternatives, extra fields, and no greeting phrase anywhere.
    /// </summary>
    public const string StereoQuirks = """
        {
          "metadata": { "request_id": "c0ffee00-1234-4abc-8def-0123456789ab", "duration": "13.1", "channels": 2, "models": [], "model_info": {},
                        "sha256": "", "created": "2026-05-02T11:00:00Z", "summary_info": { "input_tokens": 0 } },
          "results": {
            "channels": [ { "alternatives": [ { "transcript": "", "words": [] } ], "detected_language": "en" }, { "search": [] } ],
            "utterances": [
              { "start": "5.2", "end": "6.9", "channel": 1, "transcript": "I need to reset my password.", "confidence": 0.94,
                "id": "e1", "words": [], "sentiment": "neutral", "sentiment_score": 0.01 },
              { "start": 11.05, "end": 12.4, "channel": "1", "transcript": "Okay, got it.", "words": [] },
              { "start": 0.6, "end": 4.1, "channel": 0, "transcript": "Hello, support desk. Who am I talking to?", "words": [] },
              { "start": 7.3, "channel": 0, "transcript": "No problem, I've sent a reset link to your email.",
                "words": [ { "word": "no", "start": 7.3, "end": 7.5 }, { "word": "email", "start": 9.9, "end": 10.35 } ] },
              { "start": 10.5, "end": 10.5, "channel": 0, "transcript": "", "words": [] }
            ]
          }
        }
        """;

    public static readonly string[] All = [StereoUtterances, MonoDiarizedWords, StereoQuirks];
}
