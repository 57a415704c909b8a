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
}
