namespace Cekura.Contracts.Traces;

/// <summary>
/// One span of a voice agent's own OpenTelemetry trace, received over OTLP and kept per project.
/// Attribute values keep their OTLP type: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, or an <see cref="IReadOnlyList{T}"/> of those (arrays); byte and key-value-list values are
/// kept as their JSON text.
/// </summary>
/// <param name="TraceId">32 lower-case hex digits, the same form as Send Calls' <c>trace_id</c>.</param>
/// <param name="SpanId">16 lower-case hex digits.</param>
/// <param name="ParentSpanId">Null for a root span.</param>
/// <param name="Name">The span's name, e.g. one of <see cref="AgentSpanNames"/>.</param>
/// <param name="Service">The resource's <c>service.name</c>, when it has one.</param>
/// <param name="Start">When the span started (OTLP's nanoseconds, kept to 100 ns).</param>
/// <param name="End">When the span ended.</param>
/// <param name="Attributes">The span's attributes, keyed by name.</param>
/// <param name="StatusCode"><c>unset</c>, <c>ok</c> or <c>error</c>.</param>
/// <param name="StatusMessage">The status's description, when it has one.</param>
public sealed record AgentSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string? Service,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyDictionary<string, object?> Attributes,
    string StatusCode = AgentSpan.StatusUnset,
    string? StatusMessage = null)
{
    public const string StatusUnset = "unset";
    public const string StatusOk = "ok";
    public const string StatusError = "error";

    public TimeSpan Duration => End > Start ? End - Start : TimeSpan.Zero;
}

/// <summary>The span names Cekura documents for a voice agent's trace (others are kept as they are).</summary>
public static class AgentSpanNames
{
    public const string Conversation = "conversation";
    public const string SpeechToText = "stt";
    public const string Llm = "llm";
    public const string TextToSpeech = "tts";
    public const string SpeechToSpeech = "s2s";
    public const string ToolCall = "tool_call";
}

/// <summary>A project's stored trace: its spans (capped) and what the caps dropped.</summary>
public sealed record AgentTrace(string TraceId, IReadOnlyList<AgentSpan> Spans, long DroppedSpans = 0, long DroppedAttributes = 0);
