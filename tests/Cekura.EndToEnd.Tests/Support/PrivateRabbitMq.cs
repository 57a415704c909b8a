using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cekura.TestSupport;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// A RabbitMQ node of one test class's own (Debian's rabbitmq-server, started by <c>scripts/lib/start-rabbitmq.sh</c>
/// in a temp directory), so the tests may stop, restart and pause it (<c>SIGSTOP</c>/<c>SIGCONT</c> on its Erlang VM)
/// without disturbing the shared broker. Skips with the reason when the package is missing, and fails instead when
/// <c>CEKURA_TEST_REQUIRE_SERVERS</c> names rabbitmq.
/// </summary>
public sealed class PrivateRabbitMq : ServerFixture
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private readonly string _state = Path.Combine(Path.GetTempPath(), "cekura-faults-" + Guid.NewGuid().ToString("N")[..12]);
    private int _distPort;
    private bool _paused;

    protected override string Name => "rabbitmq";

    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    private string Base => Path.Combine(_state, "rabbitmq");

    public override async Task InitializeAsync()
    {
        if (!File.Exists(Server))
        {
            SkipReason = $"a private RabbitMQ node needs Debian's rabbitmq-server ({Server} is missing; scripts/test.sh installs it)";
            return;
        }
        Directory.CreateDirectory(_state);
        if (!await CanConnectAsync("127.0.0.1", 4369))
        {
            // Our node starts epmd, which outlives it: stop-all.sh stops it when no other node uses it.
            await File.WriteAllTextAsync(Path.Combine(_state, "epmd.ours"), "");
        }
        Port = FreePort();
        _distPort = FreePort();
        var (code, output) = await RunAsync(Path.Combine(ServiceProcess.RepositoryRoot(), "scripts", "lib", "start-rabbitmq.sh"),
            $"{Base} {Port} {_distPort} cekura-faults-{Guid.NewGuid().ToString("N")[..8]}");
        if (code != 0)
        {
            SkipReason = $"the private RabbitMQ node did not start on 127.0.0.1:{Port}: {output}";
        }
    }

    /// <summary>Freezes the broker's Erlang VM: connections stay open, nothing is answered (a hung broker).</summary>
    public void Pause()
    {
        Signal("STOP");
        _paused = true;
    }

    public void Resume()
    {
        Signal("CONT");
        _paused = false;
    }

    /// <summary>A clean stop, then a start on the same port and data directory: durable queues and their messages survive.</summary>
    public async Task RestartAsync()
    {
        var (code, output) = await RunAsync("bash", $"-c \". '{Base}/rabbitmq.env' && /usr/lib/rabbitmq/bin/rabbitmqctl -q stop \\\"$RABBITMQ_PID_FILE\\\"\"");
        Assert.True(code == 0, $"rabbitmqctl stop failed: {output}");
        (code, output) = await RunAsync(Path.Combine(ServiceProcess.RepositoryRoot(), "scripts", "lib", "start-rabbitmq.sh"),
            $"{Base} {Port} {_distPort} {NodeName()}");
        Assert.True(code == 0, $"the broker did not come back: {output}");
    }

    public override async Task DisposeAsync()
    {
        if (_paused)
        {
            Resume();
        }
        if (Directory.Exists(_state))
        {
            await RunAsync(Path.Combine(ServiceProcess.RepositoryRoot(), "scripts", "lib", "stop-all.sh"), _state);
        }
    }

    private string NodeName()
    {
        var line = File.ReadAllLines(Path.Combine(Base, "rabbitmq.env")).Single(l => l.StartsWith("export RABBITMQ_NODENAME="));
        return line["export RABBITMQ_NODENAME=".Length..].Split('@')[0];
    }

    private void Signal(string signal)
    {
        var pid = File.ReadAllText(Path.Combine(Base, "rabbit.pid")).Trim();
        using var kill = Process.Start("kill", ["-" + signal, pid]);
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
