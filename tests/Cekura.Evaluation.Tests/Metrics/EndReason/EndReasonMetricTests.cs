using Cekura.Evaluation.Metrics.EndReason;

namespace Cekura.Evaluation.Tests.Metrics.EndReason;

public sealed class EndReasonMetricTests
{
    [Theory]
    // Vapi
    [InlineData("customer-ended-call", "customer_ended")]
    [InlineData("assistant-ended-call", "agent_ended")]
    [InlineData("assistant-said-end-call-phrase", "agent_ended")]
    [InlineData("assistant-forwarded-call", "transfer")]
    [InlineData("voicemail", "voicemail")]
    [InlineData("silence-timed-out", "timeout")]
    [InlineData("exceeded-max-duration", "timeout")]
    [InlineData("customer-busy", "no_answer")]
    [InlineData("customer-did-not-answer", "no_answer")]
    [InlineData("pipeline-error-openai-llm-failed", "error")]
    [InlineData("twilio-failed-to-connect-call", "error")]
    [InlineData("manually-canceled", "other")]
    // Retell
    [InlineData("user_hangup", "customer_ended")]
    [InlineData("agent_hangup", "agent_ended")]
    [InlineData("call_transfer", "transfer")]
    [InlineData("voicemail_reached", "voicemail")]
    [InlineData("inactivity", "timeout")]
    [InlineData("max_duration_reached", "timeout")]
    [InlineData("dial_no_answer", "no_answer")]
    [InlineData("error_user_not_joined", "error")]
    [InlineData("dial_failed", "error")]
    [InlineData("ivr_reached", "other")]
    // ElevenLabs
    [InlineData("Client disconnected: 1000", "customer_ended")]
    [InlineData("Call ended by remote party", "customer_ended")]
    [InlineData("end_call tool was called.", "agent_ended")]
    [InlineData("Max duration exceeded", "timeout")]
    public void Provider_end_reasons_map_to_their_category(string reason, string category) =>
        Assert.Equal(category, EndReasonMetric.Categorise(reason));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_reason_has_no_category(string? reason) => Assert.Null(EndReasonMetric.Categorise(reason));
}
