using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>What every organisation/project store must do; one subclass per store.</summary>
public abstract class TenancyStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected ITenancyStore Tenancy { get; private set; } = null!;

    protected abstract Task<ITenancyStore> OpenStoreAsync();

    protected abstract Task CloseStoreAsync();

    public async Task InitializeAsync() => Tenancy = await OpenStoreAsync();

    public Task DisposeAsync() => CloseStoreAsync();

    [SkippableFact]
    public async Task Organisations_get_increasing_ids_and_round_trip()
    {
        var acme = await Tenancy.CreateOrganizationAsync("Acme", Time, Ct);
        var globex = await Tenancy.CreateOrganizationAsync("Globex", Time, Ct);

        Assert.True(acme.Id > 0 && globex.Id > acme.Id);
        AssertSameJson(acme, await Tenancy.GetOrganizationAsync(acme.Id, Ct));
        Assert.Null(await Tenancy.GetOrganizationAsync(globex.Id + 100, Ct));
        Assert.Equal(["Acme", "Globex"], (await Tenancy.ListOrganizationsAsync(Ct)).Select(o => o.Name));
    }

    [SkippableFact]
    public async Task Projects_belong_to_one_organisation()
    {
        var acme = await Tenancy.CreateOrganizationAsync("Acme", Time, Ct);
        var globex = await Tenancy.CreateOrganizationAsync("Globex", Time, Ct);
        var support = await Tenancy.CreateProjectAsync(new Project { OrganizationId = acme.Id, Name = "support", CreatedAt = Time }, Ct);
        var sales = await Tenancy.CreateProjectAsync(new Project { OrganizationId = acme.Id, Name = "sales", CreatedAt = Time }, Ct);
        var other = await Tenancy.CreateProjectAsync(new Project { OrganizationId = globex.Id, Name = "support", CreatedAt = Time }, Ct);

        AssertSameJson(support, await Tenancy.GetProjectAsync(support.Id, Ct));
        Assert.Equal(acme.Id, (await Tenancy.GetProjectAsync(sales.Id, Ct))!.OrganizationId);
        Assert.Equal([support.Id, sales.Id], (await Tenancy.ListProjectsAsync(acme.Id, Ct)).Select(p => p.Id));
        Assert.Equal([other.Id], (await Tenancy.ListProjectsAsync(globex.Id, Ct)).Select(p => p.Id));
        Assert.Null(await Tenancy.GetProjectAsync(other.Id + 100, Ct));
    }

    [SkippableFact]
    public async Task A_project_keeps_its_retention_and_an_update_replaces_it_within_its_organisation()
    {
        var acme = await Tenancy.CreateOrganizationAsync("Acme", Time, Ct);
        var globex = await Tenancy.CreateOrganizationAsync("Globex", Time, Ct);
        var support = await Tenancy.CreateProjectAsync(new Project { OrganizationId = acme.Id, Name = "support", CreatedAt = Time, RetentionDays = 30 }, Ct);
        Assert.Equal(30, (await Tenancy.GetProjectAsync(support.Id, Ct))!.RetentionDays);

        var updated = await Tenancy.UpdateProjectAsync(support with { Name = "care", RetentionDays = null, OrganizationId = globex.Id }, Ct);

        Assert.NotNull(updated);
        AssertSameJson(updated, await Tenancy.GetProjectAsync(support.Id, Ct));
        Assert.Equal("care", updated.Name);
        Assert.Null(updated.RetentionDays);
        Assert.Equal(acme.Id, updated.OrganizationId);
        Assert.Equal([support.Id], (await Tenancy.ListProjectsAsync(acme.Id, Ct)).Select(p => p.Id));
        Assert.Null(await Tenancy.UpdateProjectAsync(support with { Id = support.Id + 100 }, Ct));
    }
}
