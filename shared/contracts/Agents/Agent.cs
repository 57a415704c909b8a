namespace Cekura.Contracts.Agents;

/// <summary>A voice agent under observation; calls resolve to it by id or by the provider's assistant id.</summary>
public sealed record Agent
{
    public long Id { get; init; }
    public required long OrganizationId { get; init; }
    public required long ProjectId { get; init; }
    public required string AgentName { get; init; }
    public string Description { get; init; } = "";
    public string? AssistantId { get; init; }
    public string? AssistantProvider { get; init; }
    public IReadOnlyList<string> RedactFields { get; init; } = [];

    /// <summary>Decides each evaluated call's <c>success</c>; null means every call is a success.</summary>
    public Rubric? Rubric { get; init; }

    /// <summary>The secret the provider signs its webhooks with (Vapi secret, Retell API key, ElevenLabs HMAC secret); never shown.</summary>
    public string? ProviderWebhookSecret { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
