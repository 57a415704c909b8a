using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cekura.Ingest.Tests.Recordings;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1: one request per connection, then close. Raw sockets rather than HttpListener
/// so a test controls exactly what goes on the wire (no Content-Length, a body that trickles, no answer at all).
/// </summary>
internal sealed class LocalRecordingServer : IAsyncDisposable
{
    public delegate Task Responder(Stream connection, CancellationToken cancellationToken);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, Responder> routes = new();
    private readonly ConcurrentBag<Task> connections = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    public LocalRecordingServer()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Path and Host header of every request, in arrival order.</summary>
    public ConcurrentQueue<(string Path, string Host)> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public void Map(string path, Responder responder) => routes[path] = responder;

    public void Serve(string path, byte[] body, string contentType = "audio/wav") =>
        Map(path, (s, ct) => WriteAsync(s, 200, [$"Content-Type: {contentType}", $"Content-Length: {body.Length}"], body, ct));

    public void Redirect(string path, string location, int status = 302) =>
        Map(path, (s, ct) => WriteAsync(s, status, [$"Location: {location}", "Content-Length: 0"], [], ct));

    public static async Task WriteAsync(Stream stream, int status, string[] headers, byte[] body, CancellationToken cancellationToken)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} Test\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }
        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            connections.Add(HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (path, host) = await ReadRequestAsync(stream, stop.Token);
                Requests.Enqueue((path, host));
                var route = routes.TryGetValue(path.Split('?')[0], out var responder)
                    ? responder
                    : (s, ct) => WriteAsync(s, 404, ["Content-Length: 0"], [], ct);
                await route(stream, stop.Token);
            }
            catch (Exception)
            {
                // The client hung up (size or time cap) or the server is stopping; either is the test's point.
            }
        }
    }

    private static async Task<(string Path, string Host)> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (received.Count < 16384 && !Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }
            received.AddRange(buffer.AsSpan(0, read));
        }
        var lines = Encoding.ASCII.GetString(received.ToArray()).Split("\r\n");
        var host = lines.FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim() ?? "";
        return (lines[0].Split(' ')[1], host);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        await Task.WhenAll(connections);
        stop.Dispose();
    }
}
