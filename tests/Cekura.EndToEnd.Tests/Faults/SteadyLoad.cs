using System.Collections.Concurrent;
using System.Net;
using Cekura.EndToEnd.Tests.Support;

namespace Cekura.EndToEnd.Tests.Faults;

/// <summary>
/// Posts a call every <c>interval</c> from a background loop, round-robin over the ingest replicas that are up,
/// without waiting for earlier answers (a hung ingest does not slow the load down), and records every outcome.
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    private readonly FaultDeployment _deployment;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _inFlight = [];
    private readonly Task _loop;
    private int _sent;

    private SteadyLoad(FaultDeployment deployment, string prefix, TimeSpan interval)
    {
        _deployment = deployment;
        _prefix = prefix;
        _loop = Task.Run(() => LoopAsync(interval));
    }

    /// <summary>The <c>call_id</c>s of calls answered 201, with their ids.</summary>
    public ConcurrentDictionary<string, long> Accepted { get; } = new();

    /// <summary>Other answers, by status code or exception type (a killed ingest answers nothing).</summary>
    public ConcurrentDictionary<string, int> Refused { get; } = new();

    public int Sent => Volatile.Read(ref _sent);

    public static SteadyLoad Start(FaultDeployment deployment, string prefix, double callsPerSecond = 4) =>
        new(deployment, prefix, TimeSpan.FromSeconds(1 / callsPerSecond));

    /// <summary>Waits until <paramref name="count"/> more calls were answered 201 since the call (the load is flowing).</summary>
    public Task WaitForAcceptedAsync(int count)
    {
        var target = Accepted.Count + count;
        return Eventually.UntilAsync(() => Task.FromResult(Accepted.Count), n => n >= target,
            n => $"{_prefix}: only {n} of {target} calls accepted; refused: {Describe(Refused)}", TimeSpan.FromSeconds(120));
    }

    /// <summary>Stops sending and waits for every request still in flight to be answered or to fail.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await Task.WhenAll(_inFlight);
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        var next = 0;
        do
        {
            var replicas = _deployment.LiveIngest;
            if (replicas.Count == 0)
            {
                continue;
            }
            var callId = $"{_prefix}-{Interlocked.Increment(ref _sent)}";
            _inFlight.Add(PostAsync(replicas[next++ % replicas.Count], callId));
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task PostAsync(ServiceProcess ingest, string callId)
    {
        try
        {
            using var client = FaultDeployment.Client(ingest);
            var response = await Calls.PostCallAsync(client, Calls.Body(callId, _deployment.AgentId));
            if (response.StatusCode == HttpStatusCode.Created)
            {
                Accepted[callId] = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
            }
            else
            {
                Refused.AddOrUpdate(((int)response.StatusCode).ToString(), 1, (_, n) => n + 1);
            }
        }
        catch (Exception e)
        {
            Refused.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
        }
    }

    public static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"));

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}
