using System.Net.Sockets;
using DotNet.Testcontainers.Configurations;
using Xunit;

namespace Cekura.TestSupport;

/// <summary>
/// A real server for integration tests, found in this order: a Testcontainers container where Docker is
/// reachable, else the local server that <c>scripts/test.sh</c> started (announced by environment variables),
/// else nothing, and then <see cref="SkipReason"/> says what the tests need.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    /// <summary>Why the server is missing, phrased as what the tests need; null when it is reachable.</summary>
    public string? SkipReason { get; protected set; }

    /// <summary>This server's name in <c>CEKURA_TEST_REQUIRE_SERVERS</c>.</summary>
    protected abstract string Name { get; }

    /// <summary>
    /// Call first in a <c>[SkippableFact]</c> (or the test class's InitializeAsync): reports the test as skipped when the
    /// server is missing, or as failed when <c>CEKURA_TEST_REQUIRE_SERVERS</c> names it (scripts/test.sh started it, so
    /// a skip would hide that its tests never ran).
    /// </summary>
    public void SkipIfUnavailable()
    {
        if (SkipReason is not null && (Environment("CEKURA_TEST_REQUIRE_SERVERS") ?? "")
                .Split(',', StringSplitOptions.TrimEntries).Contains(Name, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{SkipReason}. CEKURA_TEST_REQUIRE_SERVERS names '{Name}', so this is a failure, not a skip.");
        }
        Skip.If(SkipReason is not null, SkipReason);
    }

    /// <summary>Cheap check with no exception: Testcontainers found a Docker endpoint.</summary>
    protected static bool DockerAvailable => TestcontainersSettings.OS.DockerEndpointAuthConfig != null;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    protected static string? Environment(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    protected static async Task<bool> CanConnectAsync(string host, int port)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>"host:port" split, or null when it is not of that shape.</summary>
    protected static (string Host, int Port)? ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], out var port) ? (endpoint[..colon], port) : null;
    }
}
