using System.Text.Json;
using Cekura.Evaluation.Llm.Judge;

namespace Cekura.Evaluation.Tests.Llm;

/// <summary>A short rescheduling call, as the CallLog's <c>transcript</c> text and the fields a prompt may use.</summary>
public static class SampleCall
{
    public const string Transcript = """
        [00:00] Main Agent: Thank you for calling Bloom Dental, this is Ava. How can I help you today?
        [00:04] Testing Agent: Hi, I need to move my cleaning appointment to Friday.
        [00:09] Main Agent: Of course. Can I have your date of birth to find your booking?
        [00:13] Testing Agent: March third, nineteen eighty-five.
        [00:18] Main Agent: Thanks, Maria. I've moved your cleaning to Friday at 10 AM. Anything else?
        [00:23] Testing Agent: No, that's all. Bye.
        """;

    public const string AgentDescription =
        "You are Ava, the receptionist of {{clinic_name}}. Confirm the new time with {{customer_name}} before ending the call.";

    public static readonly JsonElement DynamicVariables = JsonDocument.Parse(
        """{"clinic_name": "Bloom Dental", "customer_name": "Maria", "visits": 3}""").RootElement;

    public static readonly JsonElement Metadata = JsonDocument.Parse(
        """{"crm": {"tier": "gold", "tags": ["vip", "dental"]}, "campaign": "reminders"}""").RootElement;

    public static JudgeContext Context(string transcript = Transcript) =>
        new(transcript, AgentDescription, DynamicVariables, Metadata);
}
