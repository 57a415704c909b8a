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

    /// <summary>
    /// The custom metrics (ids of the project's <see cref="Metrics.MetricDefinition"/>s) evaluated on every call of
    /// this agent, besides the predefined ones. The only record of which metric is enabled on which agent.
    /// </summary>
    public IReadOnlyList<long> MetricIds { get; init; } = [];

    /// <summary>The topics a call is classified into (the call's <c>topic</c>).</summary>
    public IReadOnlyList<AgentNode> TopicNodes { get; init; } = [];

    /// <summary>The stages at which a caller may drop off (the call's <c>dropoff_point</c>).</summary>
    public IReadOnlyList<AgentNode> DropoffNodes { get; init; } = [];

    /// <summary>Where the completion webhook (<c>call_log.completed</c>) for this agent's calls goes: an absolute http(s) URL, or null for none.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>The <c>X-CEKURA-SECRET</c> header value for that webhook; never shown.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>Silence detection's threshold in seconds; null means the default of 10 s.</summary>
    public double? SilenceDurationSeconds { get; init; }

    /// <summary>Infrastructure issues' threshold in seconds; null means the default of 10 s.</summary>
    public double? InfraIssuesTimeoutSeconds { get; init; }

    /// <summary>The secret the provider signs its webhooks with (Vapi secret, Retell API key, ElevenLabs HMAC secret); never shown.</summary>
    public string? ProviderWebhookSecret { get; init; }

    /// <summary>
    /// SHA-256 (lower-case hex) of the token in the agent's webhook URLs (<c>/observability/v1/{provider}/observe/t/{token}/</c>),
    /// or null when it has none; the token itself is never stored. Only the agent store's own token method changes it.
    /// </summary>
    public string? WebhookTokenHash { get; init; }

    /// <summary>The token's first characters, kept to recognise it (shown in the agent view); null without a token.</summary>
    public string? WebhookTokenPrefix { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A named topic or drop-off stage, with the description a classifier reads.</summary>
public sealed record AgentNode(string Name, string Description = "");
