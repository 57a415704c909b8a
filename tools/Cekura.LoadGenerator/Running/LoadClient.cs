namespace Cekura.LoadGenerator.Running;

/// <summary>The HTTP client every phase shares: the key on every request, a connection pool as large as asked.</summary>
public static class LoadClient
{
    public static HttpClient Create(LoadOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            // Timeouts are per request (Sender), so that one counts as an outcome rather than aborting the run.
            ConnectTimeout = TimeSpan.FromSeconds(options.RequestTimeout),
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", options.Key);
        return client;
    }
}
