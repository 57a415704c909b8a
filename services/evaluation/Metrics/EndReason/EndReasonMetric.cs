namespace Cekura.Evaluation.Metrics.EndReason;

/// <summary>The categories of <c>call_ended_reason</c>, as reported in the metric's <c>enum</c>.</summary>
public static class EndReasonCategories
{
    public const string CustomerEnded = "customer_ended";
    public const string AgentEnded = "agent_ended";
    public const string Transfer = "transfer";
    public const string Voicemail = "voicemail";
    public const string Timeout = "timeout";
    public const string NoAnswer = "no_answer";
    public const string Error = "error";
    public const string Other = "other";
}

public static class EndReasonMetric
{
    /// <summary>
    /// Maps a provider's end reason to a category: exact values first, then keywords in a fixed order (voicemail,
    /// transfer, error, no answer, timeout, agent, customer), so "error_user_not_joined" is an error, not the user.
    /// Reasons are compared lower-cased with <c>_ . : space</c> read as <c>-</c>, so Vapi's <c>customer-ended-call</c>,
    /// Retell's <c>user_hangup</c> and ElevenLabs' sentences ("Client disconnected: 1000") meet the same rules.
    /// Null or blank returns null: no reason is not "other".
    /// </summary>
    /// <remarks>
    /// Vapi: customer-ended-call → customer_ended; assistant-ended-call, assistant-said-end-call-phrase,
    /// assistant-ended-call-after-message-spoken → agent_ended; assistant-forwarded-call → transfer; voicemail;
    /// silence-timed-out, exceeded-max-duration → timeout; customer-busy, customer-did-not-answer → no_answer;
    /// pipeline-error-*, assistant-error, *-failed-* → error. Retell: user_hangup → customer_ended; agent_hangup →
    /// agent_ended; call_transfer, transfer_bridged → transfer; voicemail_reached → voicemail; inactivity,
    /// max_duration_reached, registered_call_timeout → timeout; dial_busy, dial_no_answer → no_answer; error_*,
    /// dial_failed → error. ElevenLabs: "Client disconnected" / "Call ended by remote party" → customer_ended;
    /// "end_call tool was called" → agent_ended. Anything else (manually-canceled, ivr_reached, ...) → other.
    /// </remarks>
    public static string? Categorise(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return null;
        }
        var r = string.Join('-', reason.Trim().ToLowerInvariant()
            .Split(['-', '_', '.', ':', ' '], StringSplitOptions.RemoveEmptyEntries));
        bool Has(params string[] words) => words.Any(r.Contains);
        return r switch
        {
            _ when Has("voicemail") => EndReasonCategories.Voicemail,
            _ when Has("transfer", "forwarded") => EndReasonCategories.Transfer,
            _ when Has("error", "fail") => EndReasonCategories.Error,
            _ when Has("busy", "no-answer", "did-not-answer", "not-answered") => EndReasonCategories.NoAnswer,
            _ when Has("timeout", "timed-out", "inactivity", "max-duration", "exceeded") => EndReasonCategories.Timeout,
            _ when Has("assistant", "agent", "end-call") => EndReasonCategories.AgentEnded,
            _ when Has("customer", "user", "client", "caller", "remote-party") => EndReasonCategories.CustomerEnded,
            _ => EndReasonCategories.Other,
        };
    }
}
