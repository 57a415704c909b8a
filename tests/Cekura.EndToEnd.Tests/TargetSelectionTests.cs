using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The one executable refuses, at start and with the reason, a target choice that cannot work: it exits instead of
/// running half a deployment. The <c>--target</c> flag wins over <c>Cekura__Targets</c>.
/// </summary>
public sealed class TargetSelectionTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-targets-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("--target=bogus", "Unknown Cekura:Targets bogus")]
    [InlineData("--target=", "Cekura:Targets is empty")]
    [InlineData("--target=all,ingest", "mixes 'all' with other targets")]
    // A worker alone on the in-memory bus would never see an event: the other modules live in other processes.
    [InlineData("--target=transcription", "Bus:Transport=InMemory only works when one process runs every module")]
    [InlineData("--target=gateway", "needs Gateway:IngestUrl")]
    public async Task An_impossible_target_choice_stops_the_process_with_the_reason(string flag, string reason)
    {
        var (exitCode, output) = await RunAsync([flag], new Dictionary<string, string>
        {
            ["Gateway__InternalSecret"] = "internal-secret-for-target-tests-0001",
        });
        Assert.NotEqual(0, exitCode);
        Assert.Contains(reason, output);
    }

    [Fact]
    public async Task The_flag_wins_over_the_environment_variable()
    {
        // The variable alone is valid (everything in one process); the flag's choice is what gets refused.
        var (exitCode, output) = await RunAsync(["--target", "bogus"], new Dictionary<string, string> { ["Cekura__Targets"] = "all" });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unknown Cekura:Targets bogus", output);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, Dictionary<string, string> environment)
    {
        environment["Storage__DataDirectory"] = _dataDirectory;
        await using var process = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", environment, arguments: arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exitCode, process.AllOutput);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
