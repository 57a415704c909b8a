using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary>The README's first command's promises: the printed key and curl example work as printed; the compose file is valid.</summary>
public sealed partial class RunCommandTests
{
    [Fact]
    public async Task The_all_in_one_host_prints_a_key_and_a_curl_example_that_work_as_printed()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-run-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        await using var host = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", new Dictionary<string, string>
        {
            ["CEKURA_PORT"] = port.ToString(),
            ["CEKURA_DATA_DIR"] = dataDirectory,
        }, bindUrls: false);
        try
        {
            await WaitForAsync(() => host.Output.Contains("curl -s http://localhost"), host);
            var key = KeyLine().Match(host.Output).Groups[1].Value;
            Assert.StartsWith("ck_live_", key);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "cekura.db")), "CEKURA_DATA_DIR must hold the database");

            // Run the printed commands verbatim, as a user pasting them would.
            var lines = host.Output.Split('\n');
            var start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("curl -s -X POST"));
            var post = string.Join("\n", lines.Skip(start).Take(3));
            var (postStatus, postOutput) = await ShellAsync(post + " -o /dev/null -w '%{http_code}'");
            Assert.True(postStatus == 0 && postOutput.Trim() == "201", postOutput + "\n" + post);

            var list = lines.First(l => l.TrimStart().StartsWith("curl -s http://localhost"));
            var (listStatus, listOutput) = await ShellAsync(list);
            Assert.Equal(0, listStatus);
            Assert.Contains("\"count\":1", listOutput);
        }
        finally
        {
            await host.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_configured_key_is_printed_only_by_the_start_that_stores_it()
    {
        const string key = "ck_live_printedOnlyOnceKey0000000000000001";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-print-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var first in new[] { true, false })
            {
                await using var host = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", new Dictionary<string, string>
                {
                    ["CEKURA_DATA_DIR"] = dataDirectory,
                    ["CEKURA_API_KEY"] = key,
                });
                await WaitForAsync(() => host.AllOutput.Contains("Cekura is ready at"), host);
                if (first)
                {
                    Assert.Contains($"API key (from CEKURA_API_KEY): {key}", host.AllOutput);
                }
                else
                {
                    Assert.DoesNotContain(key, host.AllOutput);
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>What the compose file needs from whoever starts it; it ships no value for any of them.</summary>
    private static readonly Dictionary<string, string> ComposeSecrets = new()
    {
        ["CEKURA_INTERNAL_SECRET"] = "internal-secret-for-the-compose-test-0001",
        ["RABBITMQ_USER"] = "cekura",
        ["RABBITMQ_PASSWORD"] = "rabbit-password-for-the-compose-test",
        ["MINIO_ROOT_USER"] = "cekura",
        ["MINIO_ROOT_PASSWORD"] = "minio-password-for-the-compose-test",
        ["GRAFANA_ADMIN_PASSWORD"] = "grafana-password-for-the-compose-test",
    };

    [SkippableFact]
    public async Task The_compose_file_is_accepted_by_docker_compose_config()
    {
        var (compose, file) = ComposeFile();
        var (status, output) = await ComposeAsync(compose, file, ComposeSecrets, "config -q");
        Assert.True(status == 0, output);
        var (_, services) = await ComposeAsync(compose, file, ComposeSecrets, "config --services");
        foreach (var service in new[] { "rabbitmq", "mongo", "minio", "otel-collector", "jaeger", "prometheus", "grafana", "gateway", "ingest", "transcription", "redaction", "evaluation" })
        {
            Assert.Contains(service, services.Split('\n', StringSplitOptions.TrimEntries));
        }
    }

    [SkippableFact]
    public async Task The_compose_file_refuses_to_start_without_its_secret_and_credentials()
    {
        var (compose, file) = ComposeFile();
        foreach (var missing in ComposeSecrets.Keys)
        {
            var (status, output) = await ComposeAsync(
                compose, file, ComposeSecrets.Where(kv => kv.Key != missing).ToDictionary(kv => kv.Key, kv => kv.Value), "config -q");
            Assert.True(status != 0, $"config passed without {missing}");
            // Compose ends its refusal with the file's own message, which names the variable.
            Assert.Contains($": set {missing}", output);
        }
        var text = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain("change-me", text);
        Assert.DoesNotContain("guest", text);
    }

    private static (string Compose, string File) ComposeFile()
    {
        var compose = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists);
        Skip.If(compose is null, "needs docker-compose (scripts/test.sh installs Debian's docker-compose) to validate deploy/compose");
        return (compose, Path.Combine(ServiceProcess.RepositoryRoot(), "deploy", "compose", "docker-compose.yml"));
    }

    /// <summary>docker-compose with only <paramref name="variables"/> (and PATH/HOME) in its environment.</summary>
    private static async Task<(int Status, string Output)> ComposeAsync(
        string compose, string file, IReadOnlyDictionary<string, string> variables, string arguments)
    {
        var start = new ProcessStartInfo(compose) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(file);
        foreach (var argument in arguments.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.Where(k => k is not ("PATH" or "HOME")).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private static async Task<(int Status, string Output)> ShellAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static async Task WaitForAsync(Func<bool> condition, ServiceProcess host)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition(), host.Output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"API key \([^)]*\): (\S+)")]
    private static partial Regex KeyLine();
}
