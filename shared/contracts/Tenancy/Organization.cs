namespace Cekura.Contracts.Tenancy;

/// <summary>A customer of the installation; owns projects and API keys.</summary>
public sealed record Organization
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A project of an organisation: calls, agents and recordings belong to exactly one.</summary>
public sealed record Project
{
    public long Id { get; init; }
    public required long OrganizationId { get; init; }
    public required string Name { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// Calls whose <c>timestamp</c> is older than this many days are deleted in the background, with their recordings;
    /// null takes the installation's default (<c>Retention__DefaultDays</c>, itself null to keep calls forever).
    /// </summary>
    public int? RetentionDays { get; init; }
}
