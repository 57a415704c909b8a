using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Cekura.Hosting.Net;

namespace Cekura.TestSupport.Net;

// Linked as source into the test projects that check outbound requests (the recording fetcher, webhooks).

/// <summary>
/// DNS as a script: each host gets a list of answers given in turn, the last one repeating (so a rebinding server is
/// "public first, then 127.0.0.1"). Unknown hosts do not resolve. Counts the lookups per host.
/// </summary>
internal sealed class ScriptedResolver : IHostAddressResolver
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<IPAddress[]>> answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.OrdinalIgnoreCase);

    public ScriptedResolver Answer(string host, params string[] addresses)
    {
        answers.GetOrAdd(host, _ => new()).Enqueue(addresses.Select(IPAddress.Parse).ToArray());
        return this;
    }

    public int Calls(string host) => calls.GetValueOrDefault(host);

    public int TotalCalls => calls.Values.Sum();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        calls.AddOrUpdate(host, 1, (_, n) => n + 1);
        if (!answers.TryGetValue(host, out var queue) || !queue.TryPeek(out var answer))
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        if (queue.Count > 1)
        {
            queue.TryDequeue(out _);
        }
        return Task.FromResult(answer);
    }
}

/// <summary>
/// Stands in for the socket connect: records the checked endpoint the caller chose, then connects to the local test
/// server instead (playing the public host), or refuses endpoints listed as unreachable.
/// </summary>
internal sealed class RecordingConnector(int localPort)
{
    public ConcurrentQueue<IPEndPoint> Endpoints { get; } = new();

    public HashSet<IPAddress> Unreachable { get; } = [];

    public async ValueTask<Stream> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        Endpoints.Enqueue(endPoint);
        if (Unreachable.Contains(endPoint.Address) || localPort == 0)
        {
            throw new SocketException((int)SocketError.ConnectionRefused);
        }
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, localPort), cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }
}
