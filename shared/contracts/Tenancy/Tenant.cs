namespace Cekura.Contracts.Tenancy;

/// <summary>Who a request acts for: resolved from the API key by the gateway, trusted by ingest.</summary>
public sealed record Tenant(long OrganizationId, long ProjectId);
