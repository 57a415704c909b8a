using System.Net;
using System.Net.Sockets;

namespace Cekura.Hosting.Net;

/// <summary>
/// An HTTP handler whose connections go only to addresses an <see cref="OutboundAddressPolicy"/> has checked: each
/// request carries its checked addresses (<see cref="Pin"/>), and the connect callback dials one of them instead of
/// resolving the host again. No proxy, cookies, redirects or decompression.
/// </summary>
public static class PinnedConnection
{
    private static readonly HttpRequestOptionsKey<IReadOnlyList<IPAddress>> CheckedAddresses = new("Cekura.Net.CheckedAddresses");

    /// <summary>Makes <paramref name="request"/> connect only to <paramref name="checkedAddresses"/>, tried in order.</summary>
    public static void Pin(HttpRequestMessage request, IReadOnlyList<IPAddress> checkedAddresses) =>
        request.Options.Set(CheckedAddresses, checkedAddresses);

    /// <summary>A handler for pinned requests; a request that was not pinned fails instead of connecting.</summary>
    /// <param name="connect">Opens the TCP connection to a checked address (default <see cref="ConnectSocketAsync"/>; tests replace it).</param>
    public static SocketsHttpHandler CreateHandler(Func<IPEndPoint, CancellationToken, ValueTask<Stream>>? connect = null)
    {
        var dial = connect ?? ConnectSocketAsync;
        return new SocketsHttpHandler
        {
            // Every hop must be checked again, so redirects are the caller's decision.
            AllowAutoRedirect = false,
            // A proxy would open the connection itself, to an address nobody checked.
            UseProxy = false,
            UseCookies = false,
            // Size caps apply to what is on the wire; decompressing would let a small gzip body expand past them.
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = (context, token) => ConnectToCheckedAddressAsync(context, dial, token),
        };
    }

    /// <summary>A plain TCP connect with Nagle off.</summary>
    public static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async ValueTask<Stream> ConnectToCheckedAddressAsync(
        SocketsHttpConnectionContext context, Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect, CancellationToken token)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(CheckedAddresses, out var addresses) || addresses.Count == 0)
        {
            throw new InvalidOperationException("An outbound request tried to connect without checked addresses.");
        }
        Exception? failure = null;
        foreach (var address in addresses)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            try
            {
                return await connect(new IPEndPoint(target, context.DnsEndPoint.Port), token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failure = e;
            }
        }
        throw failure!;
    }
}
