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

    [SkippableFact]
    public async Task The_compose_file_is_accepted_by_docker_compose_config()
    {
        var root = ServiceProcess.RepositoryRoot();
        var compose = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists);
        Skip.If(compose is null, "needs docker-compose (scripts/test.sh installs Debian's docker-compose) to validate deploy/compose");
        var (status, output) = await ShellAsync($"{compose} -f '{root}/deploy/compose/docker-compose.yml' config -q 2>&1");
        Assert.True(status == 0, output);
        var (_, services) = await ShellAsync($"{compose} -f '{root}/deploy/compose/docker-compose.yml' config --services 2>&1");
        foreach (var service in new[] { "rabbitmq", "mongo", "minio", "otel-collector", "jaeger", "gateway", "ingest", "transcription", "redaction", "evaluation" })
        {
            Assert.Contains(service, services.Split('\n', StringSplitOptions.TrimEntries));
        }
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
