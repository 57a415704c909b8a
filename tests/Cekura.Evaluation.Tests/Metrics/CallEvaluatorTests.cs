using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Evaluation.Metrics;

namespace Cekura.Evaluation.Tests.Metrics;

public sealed class CallEvaluatorTests
{
    private const string NoRecording = "Timed from the transcript's turn times (there is no recording).";

    private static TranscriptEntry Caller(string content, double? start, double? end) =>
        new() { Role = TranscriptRoles.TestingAgent, Content = content, StartTime = start, EndTime = end };

    private static TranscriptEntry Agent(string content, double? start, double? end) =>
        new() { Role = TranscriptRoles.MainAgent, Content = content, StartTime = start, EndTime = end };

    /// <summary>Gaps of 500 and 1000 ms; the caller cuts in once, the agent once.</summary>
    private static readonly TranscriptEntry[] Call =
    [
        Caller("Hello.", 0, 1),
        Agent("Hi, how can I help?", 1.5, 3),
        Caller("I want to book.", 2.5, 4),
        new() { Role = TranscriptRoles.FunctionCall, Content = "", StartTime = 4.2, EndTime = 4.2,
                Data = new FunctionCallData { Id = "c1", Name = "slots", Arguments = "{}" } },
        Agent("Six PM works.", 5, 6),
        Caller("Great, and also", 7, 9),
        Agent("Booked.", 8, 10),
    ];

    [Fact]
    public void Evaluation_returns_the_whole_catalogue_in_id_order_with_latency_and_interruptions_first()
    {
        var verdict = CallEvaluator.Evaluate(Call);

        Assert.Equal(Enumerable.Range(1, 19).Select(i => (long)i), verdict.Metrics.Select(m => m.Id));
        Assert.Equal(PredefinedMetrics.All.Select(m => (m.Name, m.Type)), verdict.Metrics.Select(m => (m.Name, m.Type)));
        Assert.Equal(["Latency", "AI Interrupting User", "User Interrupting AI"], verdict.Metrics.Take(3).Select(m => m.Name));
        Assert.All(verdict.Metrics.Take(3), m => Assert.Equal("numeric", m.Type));
        Assert.True(verdict.Success);
    }

    [Fact]
    public void Catalogue_ids_are_unique_and_every_description_is_written()
    {
        Assert.Equal(PredefinedMetrics.All.Count, PredefinedMetrics.All.Select(m => m.Id).Distinct().Count());
        Assert.All(PredefinedMetrics.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Description)));
        Assert.Equal(["numeric", "binary", "enum"], PredefinedMetrics.All.Select(m => m.Type).Distinct());
    }

    /// <summary>
    /// Metrics 1-10 are timed and say where their times came from; 11-14 read the transcript's text and data; 15-19
    /// read the agent's spans (without a trace they are not evaluated, so none is timed here).
    /// </summary>
    [Fact]
    public void Timing_metrics_and_only_they_carry_their_timing_source()
    {
        var metrics = CallEvaluator.Evaluate(Call).Metrics;

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), metrics.Where(m => m.Extra.ContainsKey("timing_source")).Select(m => m.Id));
        Assert.All(metrics.Where(m => m.Id <= 10), m => Assert.Contains(NoRecording, m.Explanation));
        Assert.All(metrics.Where(m => m.Id > 10), m => Assert.DoesNotContain(NoRecording, m.Explanation));
    }

    [Fact]
    public void Latency_result_has_mean_as_score_and_value_and_percentiles_in_extra()
    {
        var latency = CallEvaluator.Evaluate(Call).Metrics[0];

        Assert.Equal(750, latency.Score);
        Assert.Equal(750, latency.Value!.Value.GetDouble());
        Assert.Equal(["Mean 750 ms over 2 agent replies; P50 750 ms, P90 950 ms.", NoRecording], latency.Explanation);
        Assert.Equal(["mean_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "samples", "timing_source"], latency.Extra.Keys.Order());
        Assert.Equal("transcript", latency.Extra["timing_source"].GetString());
        Assert.Equal(750, latency.Extra["mean_ms"].GetDouble());
        Assert.Equal(750, latency.Extra["p50_ms"].GetDouble());
        Assert.Equal(950, latency.Extra["p90_ms"].GetDouble()); // gaps 500, 1000: rank 0.9 -> 500 + 0.9 * 500
        Assert.Equal(975, latency.Extra["p95_ms"].GetDouble()); // 500 + 0.95 * 500
        Assert.Equal(995, latency.Extra["p99_ms"].GetDouble()); // 500 + 0.99 * 500
        Assert.Equal(2, latency.Extra["samples"].GetInt32());
        Assert.Null(latency.Enum);
    }

    [Fact]
    public void Latency_is_rounded_to_a_tenth_of_a_millisecond()
    {
        var latency = CallEvaluator.Evaluate([Caller("a", 0, 1), Agent("b", 1.23456, 2)]).Metrics[0];

        Assert.Equal(234.6, latency.Score);
        Assert.Equal(234.6, latency.Extra["p90_ms"].GetDouble());
        Assert.Equal(["Mean 235 ms over 1 agent reply; P50 235 ms, P90 235 ms.", NoRecording], latency.Explanation);
    }

    [Fact]
    public void Interruption_counts_are_score_and_value()
    {
        var metrics = CallEvaluator.Evaluate(Call).Metrics;

        Assert.Equal(1, metrics[1].Score);
        Assert.Equal(1, metrics[1].Value!.Value.GetInt32());
        Assert.Equal(["1 agent turn(s) started before the caller had finished.", NoRecording], metrics[1].Explanation);
        Assert.Equal(1, metrics[2].Score);
        Assert.Equal(1, metrics[2].Value!.Value.GetInt32());
        Assert.Equal(["1 caller turn(s) started before the agent had finished.", NoRecording], metrics[2].Explanation);
        Assert.Equal("transcript", Assert.Single(metrics[1].Extra).Value.GetString());
    }

    [Fact]
    public void Untimed_speech_turns_are_skipped_and_the_skip_is_explained_on_every_timing_metric()
    {
        TranscriptEntry[] transcript =
        [
            .. Call,
            Agent("untimed", null, null),
            Caller("start only", 11, null),
            new() { Role = TranscriptRoles.FunctionCallResult, Content = "",
                    Data = new FunctionCallData { Id = "c1", Name = "slots", Result = "ok" } },
        ];

        var metrics = CallEvaluator.Evaluate(transcript).Metrics;

        Assert.Equal(750, metrics[0].Score);
        Assert.Equal(2, metrics[0].Extra["samples"].GetInt32());
        var timing = metrics.Where(m => m.Extra.ContainsKey("timing_source")).ToList();
        Assert.Equal(10, timing.Count);
        Assert.All(timing, m => Assert.Equal("2 speech turn(s) without start/end times were skipped.", m.Explanation[^1]));
        Assert.All(timing, m => Assert.Equal(NoRecording, m.Explanation[^2]));
        Assert.All(metrics.Take(3), m => Assert.Equal(3, m.Explanation.Count));
    }

    [Fact]
    public void Timed_call_has_no_skip_note() =>
        Assert.All(CallEvaluator.Evaluate(Call).Metrics.Where(m => m.Extra.ContainsKey("timing_source")),
            m => Assert.Equal(NoRecording, m.Explanation[^1]));

    [Fact]
    public void Latency_without_any_sample_has_no_score_and_says_why()
    {
        var verdict = CallEvaluator.Evaluate([Agent("Hello?", 0, 1), Agent("Anyone there?", 3, 4)]);
        var latency = verdict.Metrics[0];

        Assert.Null(latency.Score);
        Assert.Null(latency.Value);
        Assert.Equal(["Not evaluated: no agent reply follows a timed caller turn.", NoRecording], latency.Explanation);
        Assert.Equal(0, Assert.Single(latency.Extra, e => e.Key == "samples").Value.GetInt32());
        Assert.Equal(2, latency.Extra.Count);
        Assert.Equal(0, verdict.Metrics[1].Score);
        Assert.Equal(0, verdict.Metrics[2].Score);
        Assert.True(verdict.Success);
    }

    [Fact]
    public void Fully_untimed_transcript_is_evaluated_with_explanations()
    {
        var metrics = CallEvaluator.Evaluate([Caller("Hi", null, null), Agent("Hello", null, null)]).Metrics;

        Assert.Equal(
            ["Not evaluated: no agent reply follows a timed caller turn.", NoRecording, "2 speech turn(s) without start/end times were skipped."],
            metrics[0].Explanation);
        Assert.Equal(0, metrics[1].Score);
    }

    [Fact]
    public void Speech_turns_are_ordered_by_start_and_counted_untimed()
    {
        var (timed, untimed) = SpeechTurns.From(
        [
            Agent("late", 5, 6),
            Caller("early", 1, 2),
            Agent("no end", 3, null),
            new() { Role = TranscriptRoles.FunctionCall, Content = "", StartTime = 0, EndTime = 0,
                    Data = new FunctionCallData { Id = "1", Name = "f", Arguments = "{}" } },
        ]);

        Assert.Equal([new SpeechTurn(false, 1, 2), new SpeechTurn(true, 5, 6)], timed);
        Assert.Equal(1, untimed);
    }

    private static RecordingData Stereo(bool separable, IReadOnlyList<SpeakingSegment> agent, IReadOnlyList<SpeakingSegment> caller) => new()
    {
        SampleRate = 8000, Channels = 2, TotalDuration = 12, SeparableChannels = separable,
        MainSpeaking = separable ? agent : [], TestingSpeaking = separable ? caller : [],
        ChannelSpeaking = [agent, caller], MainAgentChannelIndex = separable ? 0 : null, VoiceActivityDetector = "silero",
    };

    [Fact]
    public void Separable_stereo_recording_times_latency_and_interruptions_from_its_segments()
    {
        // The transcript runs 400 ms late on the agent's turns (latency 900 ms by its clock); the audio says 500 ms.
        TranscriptEntry[] late = [Caller("Hello.", 0, 1), Agent("Hi.", 1.9, 3), Caller("Book me.", 4, 5), Agent("Done.", 5.9, 7)];
        var recording = Stereo(true, agent: [new(1.5, 2.6), new(5.5, 6.6)], caller: [new(0, 1), new(4, 5), new(6.2, 6.5)]);

        var metrics = CallEvaluator.Evaluate(late, recording).Metrics;

        Assert.Equal(500, metrics[0].Score);
        Assert.Equal("recording", metrics[0].Extra["timing_source"].GetString());
        Assert.Equal(
            "Timed from the recording: speaking segments of each stereo channel (agent on channel 0, silero voice activity).",
            metrics[0].Explanation[1]);
        Assert.Equal(0, metrics[1].Score);
        Assert.Equal(1, metrics[2].Score); // the caller's 6.2 s segment cuts into the agent's
        Assert.Equal("1 caller speech segment(s) started before the agent had finished.", metrics[2].Explanation[0]);
        Assert.Equal(900, CallEvaluator.Evaluate(late).Metrics[0].Score);
    }

    [Fact]
    public void A_recording_whose_channels_do_not_separate_the_parties_leaves_timing_to_the_transcript()
    {
        var recording = Stereo(false, agent: [new(0, 7)], caller: [new(0, 7)]);

        var latency = CallEvaluator.Evaluate(Call, recording).Metrics[0];

        Assert.Equal(750, latency.Score);
        Assert.Equal("transcript", latency.Extra["timing_source"].GetString());
        Assert.Equal("Timed from the transcript's turn times (the recording's channels do not separate the two parties).",
            latency.Explanation[1]);
    }

    private static MetricResult Metric(IReadOnlyList<MetricResult> metrics, PredefinedMetric metric) =>
        Assert.Single(metrics, m => m.Id == metric.Id);

    [Fact]
    public void Separable_stereo_recording_times_every_catalogue_timing_metric_from_its_segments()
    {
        // Transcript: caller 0-1, agent 1.9-3, caller 4-5, agent 5.9-7.5. Recording: caller 0-1, 4-5, 6.2-6.5;
        // agent 1.5-2.6, 5.5-6.6. The call lasts 20 s. Agent words: "Hi, how can I help you?" 6 + "Done, booked for six." 4 = 10.
        TranscriptEntry[] transcript =
            [Caller("Hello.", 0, 1), Agent("Hi, how can I help you?", 1.9, 3), Caller("Book me a table.", 4, 5), Agent("Done, booked for six.", 5.9, 7.5)];
        var recording = Stereo(true, agent: [new(1.5, 2.6), new(5.5, 6.6)], caller: [new(0, 1), new(4, 5), new(6.2, 6.5)]);

        var audio = CallEvaluator.Evaluate(transcript, recording, durationSeconds: 20).Metrics;
        var text = CallEvaluator.Evaluate(transcript, null, durationSeconds: 20).Metrics;

        // Interruption score. Audio: the caller's 6.2 s cuts into the agent's 5.5-6.6; runs C A C A C = 5;
        // 5 * (1 - 1/5) = 4. Transcript: no overlap, 5 * (1 - 0/4) = 5.
        Assert.Equal(4, Metric(audio, PredefinedMetrics.InterruptionScore).Score);
        Assert.Equal(5, Metric(text, PredefinedMetrics.InterruptionScore).Score);
        // Stop time. Audio: 6.6 - 6.2 = 400 ms. Transcript: no cut-in.
        Assert.Equal(400, Metric(audio, PredefinedMetrics.StopTimeAfterInterruption).Score);
        Assert.Equal("Not evaluated: the caller never started while the agent was speaking.",
            Metric(text, PredefinedMetrics.StopTimeAfterInterruption).Explanation[0]);
        // Talk ratio. Audio: (1.1 + 1.1) / 20 = 0.11. Transcript: (1.1 + 1.6) / 20 = 0.135.
        Assert.Equal(0.11, Metric(audio, PredefinedMetrics.TalkRatio).Score);
        Assert.Equal(0.135, Metric(text, PredefinedMetrics.TalkRatio).Score);
        Assert.Equal("call", Metric(text, PredefinedMetrics.TalkRatio).Extra["duration_source"].GetString());
        // Longest monologue. Audio: 1.1 s. Transcript: 7.5 - 5.9 = 1.6 s.
        Assert.Equal(1.1, Metric(audio, PredefinedMetrics.LongestMonologue).Score);
        Assert.Equal(1.6, Metric(text, PredefinedMetrics.LongestMonologue).Score);
        // Words per minute. Audio: 10 / (2.2 / 60) = 272.7. Transcript: 10 / (2.7 / 60) = 222.2.
        Assert.Equal(272.7, Metric(audio, PredefinedMetrics.WordsPerMinute).Score);
        Assert.Equal(222.2, Metric(text, PredefinedMetrics.WordsPerMinute).Score);
        // Silence. Audio gaps 0.5, 1.4, 0.5: longest 1.4. Transcript gaps 0.9, 1, 0.9: longest 1.
        Assert.Equal(1.4, Metric(audio, PredefinedMetrics.SilenceDetection).Extra["longest_silence_s"].GetDouble());
        Assert.Equal(1, Metric(text, PredefinedMetrics.SilenceDetection).Extra["longest_silence_s"].GetDouble());
        // Waits after the caller. Audio: 1-1.5, 5-5.5 = 0.5. Transcript: 1-1.9, 5-5.9 = 0.9. The trailing silence
        // follows the agent in both, so it is no wait.
        Assert.Equal(0.5, Metric(audio, PredefinedMetrics.InfrastructureIssues).Extra["longest_wait_s"].GetDouble());
        Assert.Equal(0.9, Metric(text, PredefinedMetrics.InfrastructureIssues).Extra["longest_wait_s"].GetDouble());

        Assert.All(audio.Where(m => m.Id is >= 4 and <= 10), m =>
        {
            Assert.Equal("recording", m.Extra["timing_source"].GetString());
            Assert.StartsWith("Timed from the recording", m.Explanation.Single(e => e.StartsWith("Timed from", StringComparison.Ordinal)));
        });
        Assert.All(text.Where(m => m.Id is >= 4 and <= 10), m => Assert.Equal("transcript", m.Extra["timing_source"].GetString()));
    }

    [Fact]
    public void Binary_metrics_report_score_one_and_value_true_when_they_pass()
    {
        var metrics = CallEvaluator.Evaluate(Call, durationSeconds: 30).Metrics;

        foreach (var metric in new[] { PredefinedMetrics.SilenceDetection, PredefinedMetrics.InfrastructureIssues, PredefinedMetrics.ToolCallSuccess })
        {
            var result = Metric(metrics, metric);
            Assert.Equal("binary", result.Type);
            Assert.Equal(1, result.Score);
            Assert.True(result.Value!.Value.GetBoolean());
        }
    }

    [Fact]
    public void Thresholds_decide_the_binary_timing_metrics()
    {
        // Call: silences 1-1.5 (after the caller), 4-5 (after the caller, who spoke until 4), 6-7 (after the agent).
        // Silence 0.8 s: two silences of 1 s are over. Timeout 0.9 s: the 1 s wait is over.
        var metrics = CallEvaluator.Evaluate(Call, thresholds: new MetricThresholds(SilenceDurationSeconds: 0.8, InfraIssuesTimeoutSeconds: 0.9)).Metrics;

        var silence = Metric(metrics, PredefinedMetrics.SilenceDetection);
        Assert.Equal(0, silence.Score);
        Assert.False(silence.Value!.Value.GetBoolean());
        Assert.Equal(2, silence.Extra["silences_over_threshold"].GetInt32());
        Assert.Equal(0.8, silence.Extra["threshold_s"].GetDouble());
        var infra = Metric(metrics, PredefinedMetrics.InfrastructureIssues);
        Assert.Equal(0, infra.Score);
        Assert.Equal(1, infra.Extra["longest_wait_s"].GetDouble());
        Assert.True(CallEvaluator.Evaluate(Call).Success); // the rubric is not applied yet: metrics never fail a call
    }

    [Fact]
    public void A_failed_tool_result_fails_tool_call_success()
    {
        TranscriptEntry[] transcript =
        [
            .. Call,
            new() { Role = TranscriptRoles.FunctionCallResult, Content = "",
                    Data = new FunctionCallData { Id = "c1", Name = "slots", Result = "calendar down", IsError = true } },
        ];

        var tool = Metric(CallEvaluator.Evaluate(transcript).Metrics, PredefinedMetrics.ToolCallSuccess);

        Assert.Equal(0, tool.Score);
        Assert.False(tool.Value!.Value.GetBoolean());
        Assert.Equal(["1 of 1 function call result(s) failed: slots (flagged as an error)."], tool.Explanation);
    }

    [Fact]
    public void Call_end_reason_is_an_enum_with_the_raw_reason_in_extra()
    {
        var reason = Metric(CallEvaluator.Evaluate(Call, endedReason: "customer-ended-call").Metrics, PredefinedMetrics.CallEndReason);

        Assert.Equal("enum", reason.Type);
        Assert.Equal("customer_ended", reason.Enum);
        Assert.Null(reason.Score);
        Assert.Equal("customer-ended-call", reason.Extra["reason"].GetString());

        var none = Metric(CallEvaluator.Evaluate(Call).Metrics, PredefinedMetrics.CallEndReason);
        Assert.Null(none.Enum);
        Assert.Equal(["Not evaluated: the call has no end reason."], none.Explanation);
    }

    [Fact]
    public void Turn_counts_and_repetition_read_the_transcript_text()
    {
        var metrics = CallEvaluator.Evaluate(Call).Metrics;

        // Call: 3 caller, 3 agent turns, 1 function call, no result.
        var turns = Metric(metrics, PredefinedMetrics.TurnCounts);
        Assert.Equal(6, turns.Score);
        Assert.Equal((3, 3, 1, 0), (turns.Extra["agent_turns"].GetInt32(), turns.Extra["caller_turns"].GetInt32(),
            turns.Extra["function_calls"].GetInt32(), turns.Extra["function_results"].GetInt32()));
        Assert.Equal(0, Metric(metrics, PredefinedMetrics.UnnecessaryRepetition).Score);
    }

    [Fact]
    public void Fully_untimed_transcript_leaves_every_timing_metric_not_evaluated_but_counts_its_text()
    {
        TranscriptEntry[] transcript = [Caller("Hi", null, null), Agent("Hello, how can I help?", null, null), Agent("Hello, how can I help?", null, null)];

        var metrics = CallEvaluator.Evaluate(transcript, durationSeconds: 30).Metrics;

        Assert.All(metrics.Where(m => m.Id is >= 4 and <= 10), m =>
        {
            Assert.Null(m.Score);
            Assert.Null(m.Value);
            Assert.StartsWith("Not evaluated: ", m.Explanation[0]);
            Assert.Equal("3 speech turn(s) without start/end times were skipped.", m.Explanation[^1]);
        });
        Assert.Equal(3, Metric(metrics, PredefinedMetrics.TurnCounts).Score);
        Assert.Equal(1, Metric(metrics, PredefinedMetrics.UnnecessaryRepetition).Score);
    }
}
