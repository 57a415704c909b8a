using System.Net;
using System.Net.Sockets;

namespace Cekura.Hosting.Net;

/// <summary>
/// Decides whether an outbound request may go to a URL's host (SSRF): the host is resolved once, every address it
/// resolves to is judged by <see cref="AddressRules"/>, and the caller connects only to the addresses returned
/// (<see cref="PinnedConnection"/>), so a second DNS answer cannot rebind the host to an internal address.
/// An operator's allow-list admits named hosts, addresses or ranges that would otherwise be refused as private.
/// </summary>
public sealed class OutboundAddressPolicy
{
    private readonly IHostAddressResolver resolver;
    private readonly HashSet<string> allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AddressRules.Network> allowedNetworks = [];

    /// <param name="allowedPrivateHosts">Host names, IP addresses or CIDR ranges; check them first with <see cref="AllowListErrors"/>.</param>
    /// <exception cref="ArgumentException">An entry is neither a host name, an IP address nor a CIDR range.</exception>
    public OutboundAddressPolicy(IEnumerable<string> allowedPrivateHosts, IHostAddressResolver resolver)
    {
        this.resolver = resolver;
        foreach (var entry in allowedPrivateHosts)
        {
            switch (ParseEntry(entry))
            {
                case AddressRules.Network network:
                    allowedNetworks.Add(network);
                    break;
                case string name:
                    allowedNames.Add(name);
                    break;
                default:
                    throw new ArgumentException(EntryError(entry), nameof(allowedPrivateHosts));
            }
        }
    }

    /// <summary>One message per allow-list entry that is neither a host name, an IP address nor a CIDR range.</summary>
    public static IReadOnlyList<string> AllowListErrors(IEnumerable<string> allowedPrivateHosts) =>
        allowedPrivateHosts.Where(e => ParseEntry(e) is null).Select(EntryError).ToList();

    /// <summary>
    /// Why <paramref name="uri"/> may not be requested at all (not http(s), or carrying credentials), phrased with
    /// <paramref name="verb"/> ("fetched", "posted to"); null when its shape is acceptable.
    /// </summary>
    public static string? UrlShapeRefusal(Uri uri, string verb) =>
        uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps
            ? $"refused: only http and https URLs are {verb}, not {uri.Scheme}"
            : uri.UserInfo.Length > 0 ? "refused: the URL carries a user name or password"
            : null;

    /// <summary>Resolves the host of <paramref name="uri"/> once and returns its addresses, all judged safe (or allow-listed).</summary>
    /// <exception cref="OutboundRefusedException">The host is refused or does not resolve; the message says why.</exception>
    public async Task<IReadOnlyList<IPAddress>> CheckHostAsync(Uri uri, CancellationToken cancellationToken)
    {
        // IdnHost maps full-width and other Unicode digits to ASCII ("１２７.0.0.1"); Uri already turned decimal,
        // octal, hex and short IPv4 forms into dotted quads, except with a trailing dot ("127.0.0.1."), trimmed here.
        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0)
        {
            throw new OutboundRefusedException("not an absolute http or https URL", unresolved: false);
        }
        if (IPAddress.TryParse(host, out var literal))
        {
            if (Refusal(literal, nameAllowed: false) is { } what)
            {
                throw new OutboundRefusedException($"refused: {literal} is {what}", unresolved: false);
            }
            return [literal];
        }

        var nameAllowed = allowedNames.Contains(host);
        if (!nameAllowed && AddressRules.JudgeName(host) is { } nameRefusal)
        {
            throw new OutboundRefusedException($"refused: {host} is {nameRefusal}", unresolved: false);
        }
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            addresses = [];
        }
        if (addresses.Length == 0)
        {
            throw new OutboundRefusedException($"could not resolve {host}", unresolved: true);
        }
        foreach (var address in addresses)
        {
            if (Refusal(address, nameAllowed) is { } what)
            {
                throw new OutboundRefusedException($"refused: {host} resolves to {address}, {what}", unresolved: false);
            }
        }
        return addresses;
    }

    private string? Refusal(IPAddress address, bool nameAllowed) =>
        AddressRules.Judge(address) is { } verdict && (verdict.AlwaysRefused || !(nameAllowed || IsAllowListed(address)))
            ? verdict.What
            : null;

    private bool IsAllowListed(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var embedded = AddressRules.EmbeddedIPv4(address);
        return allowedNetworks.Exists(n => n.Contains(plain) || (embedded is not null && n.Contains(embedded)));
    }

    /// <summary>A <see cref="AddressRules.Network"/>, a lower-case host name without its trailing dot, or null.</summary>
    private static object? ParseEntry(string entry)
    {
        var value = entry.Trim().TrimEnd('.');
        if (AddressRules.Network.TryParse(value, out var network))
        {
            return network;
        }
        return value.Length > 0 && !value.Contains('/') && Uri.CheckHostName(value) == UriHostNameType.Dns
            ? value.ToLowerInvariant()
            : null;
    }

    private static string EntryError(string entry) =>
        $"AllowedPrivateHosts entry '{entry}' is not a host name, an IP address or a CIDR range.";
}

/// <summary>An outbound request's host was refused or could not be resolved; <see cref="Exception.Message"/> is the reason.</summary>
public sealed class OutboundRefusedException(string reason, bool unresolved) : Exception(reason)
{
    /// <summary>True when the host did not resolve (possibly a passing DNS failure); false for a refusal by policy.</summary>
    public bool Unresolved { get; } = unresolved;
}
