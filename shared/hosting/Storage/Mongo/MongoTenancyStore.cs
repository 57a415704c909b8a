using Cekura.Contracts.Tenancy;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>Organisations <c>{ _id, doc }</c> and projects <c>{ _id, organization_id, doc }</c>.</summary>
public sealed class MongoTenancyStore(MongoStoreContext context) : ITenancyStore
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly SortDefinition<BsonDocument> ById = Builders<BsonDocument>.Sort.Ascending("_id");

    public async Task<Organization> CreateOrganizationAsync(string name, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var organization = new Organization { Id = await context.NextIdAsync("organizations", cancellationToken), Name = name, CreatedAt = createdAt };
        await context.Organizations.InsertOneAsync(
            new BsonDocument { { "_id", organization.Id }, { "doc", MongoDocuments.ToBson(organization) } }, cancellationToken: cancellationToken);
        return organization;
    }

    public async Task<Organization?> GetOrganizationAsync(long id, CancellationToken cancellationToken) =>
        (await FindAsync<Organization>(context.Organizations, Filter.Eq("_id", id), cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        FindAsync<Organization>(context.Organizations, Filter.Empty, cancellationToken);

    public async Task<Project> CreateProjectAsync(Project project, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var stored = project with { Id = await context.NextIdAsync("projects", cancellationToken) };
        await context.Projects.InsertOneAsync(
            new BsonDocument { { "_id", stored.Id }, { "organization_id", stored.OrganizationId }, { "doc", MongoDocuments.ToBson(stored) } },
            cancellationToken: cancellationToken);
        return stored;
    }

    public async Task<Project?> UpdateProjectAsync(Project project, CancellationToken cancellationToken)
    {
        var existing = await GetProjectAsync(project.Id, cancellationToken);
        if (existing is null)
        {
            return null;
        }
        var updated = project with { OrganizationId = existing.OrganizationId };
        var result = await context.Projects.UpdateOneAsync(
            Filter.Eq("_id", project.Id), Builders<BsonDocument>.Update.Set("doc", MongoDocuments.ToBson(updated)),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1 ? updated : null;
    }

    public async Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken) =>
        (await FindAsync<Project>(context.Projects, Filter.Eq("_id", id), cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<Project>> ListProjectsAsync(long organizationId, CancellationToken cancellationToken) =>
        FindAsync<Project>(context.Projects, Filter.Eq("organization_id", organizationId), cancellationToken);

    private async Task<IReadOnlyList<T>> FindAsync<T>(
        IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        await context.EnsureInitializedAsync(cancellationToken);
        var docs = await collection.Find(filter).Sort(ById).ToListAsync(cancellationToken);
        return docs.Select(d => MongoDocuments.FromBson<T>(d["doc"].AsBsonDocument)).ToList();
    }
}
