using System.Globalization;
using System.Text.Json;
using Cekura.Contracts;
using Cekura.Gateway.Administration;
using Cekura.Hosting.Storage;

namespace Cekura.Gateway.Cli;

/// <summary>
/// Operator verbs of the gateway executable, run against the configured store without starting a server:
/// <code>
/// orgs create NAME | orgs list
/// projects create --org ID NAME [--retention-days N] | projects list --org ID
/// keys create --org ID (--project ID | --org-wide) --name NAME [--rate-limit PER_MINUTE] [--burst N]
/// keys list [--org ID] | keys revoke ID
/// </code>
/// Revocation reaches running gateways within Gateway:KeyCacheSeconds.
/// </summary>
public static class GatewayCli
{
    public static bool IsCommand(string[] args) => args is ["keys" or "orgs" or "projects", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KeyAdministration>();
        builder.AddCekuraStorage();
        using var host = builder.Build();
        var admin = host.Services.GetRequiredService<KeyAdministration>();
        var (options, positional) = Parse(args.Skip(2).ToList());
        var ct = CancellationToken.None;
        try
        {
            switch (args.ElementAtOrDefault(0), args.ElementAtOrDefault(1))
            {
                case ("orgs", "create") when positional.Count == 1:
                    return Print(await admin.CreateOrganizationAsync(positional[0], ct));
                case ("orgs", "list"):
                    return Print(await admin.ListOrganizationsAsync(ct));
                case ("projects", "create") when positional.Count == 1 && Long(options, "org") is { } org:
                    var retention = Long(options, "retention-days");
                    if (KeyAdministration.RetentionProblem(retention) is { } problem)
                    {
                        return Fail($"retention-days: {problem}");
                    }
                    return await admin.CreateProjectAsync(org, positional[0], (int?)retention, ct) is { } project
                        ? Print(project)
                        : Fail($"no organisation {org}");
                case ("projects", "list") when Long(options, "org") is { } org:
                    return Print(await admin.ListProjectsAsync(org, ct));
                case ("keys", "create") when Long(options, "org") is { } org:
                    var (created, field, error) = await admin.CreateKeyAsync(new NewKeyRequest(
                        org, Long(options, "project"), options.GetValueOrDefault("name") ?? "", options.ContainsKey("org-wide"),
                        (int?)Long(options, "rate-limit"), (int?)Long(options, "burst")), ct);
                    if (created is null)
                    {
                        return Fail($"{field}: {error}");
                    }
                    Console.WriteLine($"API key (shown only this once): {created.Key}");
                    return Print(created.Details);
                case ("keys", "list"):
                    return Print(await admin.ListKeysAsync(Long(options, "org"), ct));
                case ("keys", "revoke") when positional.Count == 1 && long.TryParse(positional[0], out var id):
                    return await admin.RevokeAsync(id, ct) is { } revoked ? Print(KeyView.From(revoked)) : Fail($"no key {id}");
                default:
                    return Fail("usage: orgs create NAME | orgs list | projects create --org ID NAME [--retention-days N] | projects list --org ID | "
                                + "keys create --org ID (--project ID | --org-wide) --name NAME [--rate-limit N] [--burst N] | keys list [--org ID] | keys revoke ID");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>The words after the verb: <c>--name value</c> pairs, the <c>--org-wide</c> flag, and positional arguments.</summary>
    private static (Dictionary<string, string?> Options, List<string> Positional) Parse(List<string> words)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (!words[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(words[i]);
            }
            else if (words[i] == "--org-wide" || i + 1 >= words.Count)
            {
                options[words[i][2..]] = null;
            }
            else
            {
                options[words[i][2..]] = words[++i];
            }
        }
        return (options, positional);
    }

    private static long? Long(Dictionary<string, string?> options, string name) =>
        options.GetValueOrDefault(name) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static int Print<T>(T value)
    {
        Console.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions(CekuraJson.Options) { WriteIndented = true }));
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
