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
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>A key of the whole organisation: each request names its project (<c>project_id</c>); <see cref="ProjectId"/> is unused.</summary>
    public bool OrganizationWide { get; init; }

    /// <summary>Sustained requests per minute this key may make; null takes the gateway's default.</summary>
    public int? RateLimitPerMinute { get; init; }

    /// <summary>Requests this key may make at once before the sustained rate applies; null takes the gateway's default.</summary>
    public int? RateLimitBurst { get; init; }
}
