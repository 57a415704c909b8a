using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cekura.TestSupport;

/// <summary>
/// A RabbitMQ node of its own, for tests that pause, stop and restart the broker (never the shared one other tests
/// use): started with <c>scripts/lib/start-rabbitmq.sh</c> in a temporary directory on free ports, stopped with
/// <c>scripts/lib/stop-all.sh</c>. Needs Debian's <c>rabbitmq-server</c> package; without it the tests skip and say so.
/// </summary>
public sealed class PrivateRabbitMqFixture : ServerFixture
{
    private const string Bin = "/usr/lib/rabbitmq/bin";

    private readonly string _state = Path.Combine(Path.GetTempPath(), "cekura-private-rmq-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _node = "cekura-private-" + Guid.NewGuid().ToString("N")[..8];
    private int _distPort;

    protected override string Name => "rabbitmq";

    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    public string Username => "guest";
    public string Password => "guest";

    private string NodeDirectory => Path.Combine(_state, "rabbitmq");

    public override async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "rabbitmq-server")))
        {
            SkipReason = $"RabbitMQ unavailable: needs the rabbitmq-server package ({Bin}/rabbitmq-server) to start a broker of its own";
            return;
        }
        Port = FreePort();
        _distPort = FreePort();
        Directory.CreateDirectory(_state);
        // If no epmd runs yet, our node starts one (it outlives the node); stop-all.sh then stops it, as for scripts/test.sh.
        if (!await CanConnectAsync("127.0.0.1", 4369))
        {
            await File.WriteAllTextAsync(Path.Combine(_state, "epmd.ours"), "");
        }
        try
        {
            await StartAsync();
        }
        catch (Exception e)
        {
            SkipReason = $"RabbitMQ unavailable: a broker of its own did not start: {e.Message}";
        }
    }

    /// <summary>Starts the node (again, after <see cref="StopAsync"/>: same name and data, so durable queues are kept).</summary>
    public Task StartAsync() => RunAsync("bash",
        [Path.Combine(RepositoryRoot(), "scripts", "lib", "start-rabbitmq.sh"), NodeDirectory, Port.ToString(), _distPort.ToString(), _node]);

    /// <summary>Stops the node cleanly; returns once its VM has exited.</summary>
    public Task StopAsync() => RunAsync("bash",
        ["-c", """. "$0/rabbitmq.env" && "$1/rabbitmqctl" -q stop "$RABBITMQ_PID_FILE" """, NodeDirectory, Bin]);

    /// <summary>A clean stop, then a start on the same port and data directory: durable queues and their messages survive.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Freezes the broker (SIGSTOP): connections stay open and nothing answers, as with a hung process.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>Lets a paused broker run again (SIGCONT).</summary>
    public void Resume() => Signal("-CONT");

    public override async Task DisposeAsync()
    {
        if (!Directory.Exists(_state))
        {
            return;
        }
        Resume();
        await RunAsync("bash", [Path.Combine(RepositoryRoot(), "scripts", "lib", "stop-all.sh"), _state]);
    }

    private void Signal(string signal)
    {
        var pidFile = Path.Combine(NodeDirectory, "rabbit.pid");
        if (File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() is { Length: > 0 } pid)
        {
            using var kill = Process.Start("kill", [signal, pid]);
            kill.WaitForExit();
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["RABBITMQ_START_TIMEOUT"] = "120";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments.Take(1))} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cekura.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Cekura.sln not found above " + AppContext.BaseDirectory);
    }
}
