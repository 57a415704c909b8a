using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>The Cekura executable (or a module's build output) started as its own OS process, as a distributed deployment runs it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string Name { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public string Output => string.Join("\n", _output.TakeLast(60));

    /// <summary>Everything the process printed so far.</summary>
    public string AllOutput => string.Join("\n", _output);

    /// <summary>The one Cekura executable running <paramref name="targets"/> (passed as <c>--target</c>).</summary>
    public static ServiceProcess StartTargets(string targets, IReadOnlyDictionary<string, string> environment) =>
        Start("all-in-one", "Cekura.AllInOne", environment, arguments: [$"--target={targets}"]);

    /// <summary>Starts <c>services/{folder}</c>'s build output (same configuration as the tests) with <paramref name="environment"/>.</summary>
    public static ServiceProcess Start(
        string folder, string assembly, IReadOnlyDictionary<string, string> environment, bool bindUrls = true,
        IReadOnlyList<string>? arguments = null)
    {
        var port = bindUrls ? FreePort() : int.Parse(environment["CEKURA_PORT"]);
        var dll = Path.Combine(RepositoryRoot(), "services", folder, "bin", BuildConfiguration(), "net10.0", assembly + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the solution first: {dll} is missing.", dll);
        }
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments ?? []])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        // Only what the test passes may configure the process, not the short settings of the caller's shell.
        start.Environment.Remove("CEKURA_PORT");
        start.Environment.Remove("CEKURA_DATA_DIR");
        start.Environment.Remove("CEKURA_API_KEY");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        if (bindUrls)
        {
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        }
        var process = new Process { StartInfo = start };
        var service = new ServiceProcess(folder, process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) service._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) service._output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not healthy within {timeout}:\n{Output}");
    }

    /// <summary>Sends a POSIX signal (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>) to the process, as an orchestrator or a debugger would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} exited with {kill.ExitCode}");
        }
    }

    /// <summary>The exit code once the process ends by itself within <paramref name="timeout"/>; a <see cref="TimeoutException"/> otherwise.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}:\n{Output}");
        }
        return _process.ExitCode;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cekura.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Cekura.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Debug or Release: the folder above this test assembly's target-framework folder.</summary>
    private static string BuildConfiguration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
