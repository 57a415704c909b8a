namespace Cekura.Contracts.Tenancy;

/// <summary>A stored API key: only its SHA-256 hash and a short visible prefix are kept.</summary>
public sealed record ApiKeyRecord
{
    public long Id { get; init; }
    public required long OrganizationId { get; init; }
    public required long ProjectId { get; init; }
    public required string Name { get; init; }
    public required string Prefix { get; init; }
    public required string HashHex { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}
