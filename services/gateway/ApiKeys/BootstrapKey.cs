using Cekura.Contracts.Agents;
using Cekura.Contracts.Tenancy;
using Cekura.Hosting.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Cekura.Gateway.WebConsole;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.ApiKeys;

/// <summary>
/// Makes a fresh installation usable: the first start creates an API key (or accepts CEKURA_API_KEY) and a demo
/// agent, and prints the key once, at the start that stores it, with a curl command that works as printed. Only the
/// key's hash is stored, so a generated key can never be shown again; a configured one is not repeated in later logs.
/// </summary>
public sealed class BootstrapKey(
    IApiKeyStore keys, IAgentStore agents, ITenancyStore tenancy, IOptions<GatewayOptions> options, IServer server,
    IHostApplicationLifetime lifetime, TimeProvider clock, IOptions<ConsoleOptions> console) : IHostedService
{
    public static readonly Tenant DefaultTenant = new(1, 1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await EnsureDefaultProjectAsync(cancellationToken);
        string? printableKey = null;
        var configured = options.Value.BootstrapKey?.Trim();
        if (!string.IsNullOrEmpty(configured))
        {
            // Shown by the start that stores it, like a generated key, not in the log of every later start.
            var hash = ApiKeyHasher.HashHex(configured);
            var known = (await keys.FindByPrefixAsync(ApiKeyHasher.VisiblePrefix(configured), cancellationToken)).Any(k => k.HashHex == hash);
            await keys.AddAsync(Record(configured, "bootstrap (configured)"), cancellationToken);
            printableKey = known ? null : configured;
        }
        else if (await keys.CountAsync(cancellationToken) == 0)
        {
            printableKey = ApiKeyHasher.Generate();
            await keys.AddAsync(Record(printableKey, "bootstrap (generated)"), cancellationToken);
        }
        var agent = await EnsureDemoAgentAsync(cancellationToken);
        lifetime.ApplicationStarted.Register(() => Print(printableKey, agent, configured is { Length: > 0 }));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private ApiKeyRecord Record(string key, string name) => new()
    {
        OrganizationId = DefaultTenant.OrganizationId,
        ProjectId = DefaultTenant.ProjectId,
        Name = name,
        Prefix = ApiKeyHasher.VisiblePrefix(key),
        HashHex = ApiKeyHasher.HashHex(key),
        CreatedAt = clock.GetUtcNow(),
    };

    /// <summary>A fresh installation gets organisation 1 and project 1, which the bootstrap key belongs to.</summary>
    private async Task EnsureDefaultProjectAsync(CancellationToken cancellationToken)
    {
        if ((await tenancy.ListOrganizationsAsync(cancellationToken)).Count > 0)
        {
            return;
        }
        var organization = await tenancy.CreateOrganizationAsync("default", clock.GetUtcNow(), cancellationToken);
        await tenancy.CreateProjectAsync(
            new Project { OrganizationId = organization.Id, Name = "default", CreatedAt = clock.GetUtcNow() }, cancellationToken);
    }

    private async Task<Agent> EnsureDemoAgentAsync(CancellationToken cancellationToken)
    {
        var (count, existing) = await agents.ListAsync(DefaultTenant.ProjectId, 1, 1, cancellationToken);
        if (count > 0)
        {
            return existing[0];
        }
        try
        {
            return await agents.CreateAsync(new Agent
            {
                OrganizationId = DefaultTenant.OrganizationId,
                ProjectId = DefaultTenant.ProjectId,
                AgentName = "Demo agent",
                Description = "Created at first start so the printed example works; rename or ignore it.",
                AssistantId = "demo-assistant",
                CreatedAt = clock.GetUtcNow(),
                UpdatedAt = clock.GetUtcNow(),
            }, cancellationToken);
        }
        catch (DuplicateAssistantIdException)
        {
            // Another gateway process created it at the same moment.
            return (await agents.FindByAssistantIdAsync(DefaultTenant.ProjectId, "demo-assistant", cancellationToken))!;
        }
    }

    private void Print(string? key, Agent agent, bool fromConfiguration)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8080";
        address = address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://[::]", "://localhost");
        var pages = console.Value.Enabled ? $"\nWeb console: {address}/ (sign in with an API key); API reference: {address}/docs" : "";
        if (key is null)
        {
            Console.WriteLine($"""

                Cekura is ready at {address}{pages}
                API key: one stored at an earlier start (keys are shown only when they are created); set CEKURA_API_KEY to a new value to add one.

                """);
            return;
        }
        var source = fromConfiguration ? "from CEKURA_API_KEY" : "generated now; shown only this once";
        Console.WriteLine($"""

            Cekura is ready at {address}{pages}
            API key ({source}): {key}
            Try it:
              curl -s -X POST {address}/observability/v1/observe/ \
                -H 'X-CEKURA-API-KEY: {key}' -H 'Content-Type: application/json' \
                -d '{"{"}"call_id": "demo-'$(date +%s)'", "agent": {agent.Id}, "transcript_json": [{"{"}"role": "Testing Agent", "content": "Hello.", "start_time": 0.5, "end_time": 1.4{"}"}, {"{"}"role": "Main Agent", "content": "Hi! How can I help?", "start_time": 2.1, "end_time": 3.6{"}"}]{"}"}'
              curl -s {address}/observability/v2/call-logs/ -H 'X-CEKURA-API-KEY: {key}'

            """);
    }
}
