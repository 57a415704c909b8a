using System.Net;
using System.Net.Sockets;

namespace Cekura.Hosting.Net;

/// <summary>
/// Which addresses and names an outbound request (a fetched recording, a webhook) may not reach. Judged on parsed
/// addresses, never on strings.
/// </summary>
public static class AddressRules
{
    /// <summary>Why an address is refused; <see cref="AlwaysRefused"/> ones stay refused whatever the allow-list says.</summary>
    public sealed record Verdict(string What, bool AlwaysRefused);

    public readonly record struct Network(IPAddress Prefix, int Length)
    {
        public bool Contains(IPAddress address) => address.AddressFamily == Prefix.AddressFamily
            && PrefixMatches(address.GetAddressBytes(), Prefix.GetAddressBytes(), Length);

        public static bool TryParse(string text, out Network network)
        {
            network = default;
            var slash = text.IndexOf('/');
            if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var prefix))
            {
                return false;
            }
            prefix = prefix.IsIPv4MappedToIPv6 ? prefix.MapToIPv4() : prefix;
            var max = prefix.GetAddressBytes().Length * 8;
            var length = max;
            if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), out length) || length < 0 || length > max))
            {
                return false;
            }
            network = new(prefix, length);
            return true;
        }
    }

    private sealed record Range(Network Network, Verdict Verdict)
    {
        public Range(string cidr, string what, bool alwaysRefused = false)
            : this(Network.TryParse(cidr, out var n) ? n : throw new FormatException(cidr), new Verdict(what, alwaysRefused))
        {
        }
    }

    // First match wins, so a single address sits above the range that holds it. Unspecified, multicast and broadcast
    // are refused even when allow-listed: no server listens there, and Linux sends 0.0.0.0 to this machine.
    private static readonly Range[] IPv4 =
    [
        new("0.0.0.0/32", "an unspecified address", alwaysRefused: true),
        new("0.0.0.0/8", "a 'this network' address", alwaysRefused: true),
        new("10.0.0.0/8", "a private address"),
        new("100.100.100.200/32", "a cloud metadata address"),   // Alibaba Cloud
        new("100.64.0.0/10", "a carrier-grade NAT address"),
        new("127.0.0.0/8", "a loopback address"),
        new("169.254.169.254/32", "a cloud metadata address"),   // AWS, GCP, Azure, OCI, DigitalOcean
        new("169.254.0.0/16", "a link-local address"),
        new("172.16.0.0/12", "a private address"),
        new("192.0.0.0/24", "an IETF protocol-assignment address"),
        new("192.0.2.0/24", "a documentation address"),
        new("192.88.99.0/24", "a reserved address"),              // retired 6to4 relay anycast
        new("192.168.0.0/16", "a private address"),
        new("198.18.0.0/15", "a benchmarking address"),
        new("198.51.100.0/24", "a documentation address"),
        new("203.0.113.0/24", "a documentation address"),
        new("224.0.0.0/4", "a multicast address", alwaysRefused: true),
        new("255.255.255.255/32", "the broadcast address", alwaysRefused: true),
        new("240.0.0.0/4", "a reserved address"),
    ];

    // Checked after the ranges that embed an IPv4 address; anything outside 2000::/3 is refused as reserved.
    private static readonly Range[] IPv6 =
    [
        new("::/128", "an unspecified address", alwaysRefused: true),
        new("::1/128", "a loopback address"),
        new("64:ff9b:1::/48", "a local-use NAT64 address"),
        new("100::/64", "a discard-only address"),
        new("2001::/32", "a Teredo address"),
        new("2001::/23", "an IETF protocol-assignment address"),
        new("2001:db8::/32", "a documentation address"),
        new("3fff::/20", "a documentation address"),
        new("fd00:ec2::254/128", "a cloud metadata address"),    // AWS over IPv6
        new("fc00::/7", "a unique-local address"),
        new("fe80::/10", "a link-local address"),
        new("fec0::/10", "a site-local address"),
        new("ff00::/8", "a multicast address", alwaysRefused: true),
    ];

    private static readonly Network GlobalUnicast = new(IPAddress.Parse("2000::"), 3);
    private static readonly Network Nat64 = new(IPAddress.Parse("64:ff9b::"), 96);
    private static readonly Network SixToFour = new(IPAddress.Parse("2002::"), 16);
    private static readonly Network Compatible = new(IPAddress.IPv6Any, 96);

    private static readonly HashSet<string> MetadataNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
        "metadata.tencentyun.com",
    };

    /// <summary>Why a name may not be reached, before it is even resolved; null if it may be.</summary>
    public static string? JudgeName(string host) =>
        MetadataNames.Contains(host) ? "a cloud metadata host"
        : host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) ? "a loopback host name"
        : null;

    /// <summary>Why an address may not be reached; null if it is a public unicast address.</summary>
    public static Verdict? Judge(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Match(IPv4, address);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return new Verdict("not an IP address", AlwaysRefused: true);
        }
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback))
        {
            return Match(IPv6, address);
        }
        if (EmbeddedIPv4(address) is { } embedded)
        {
            // Mapped, compatible, NAT64 and 6to4 addresses reach the IPv4 address inside them.
            return Match(IPv4, embedded) is { } inner ? inner with { What = $"{inner.What} (embedded IPv4 {embedded})" } : null;
        }
        return Match(IPv6, address)
            ?? (GlobalUnicast.Contains(address) ? null : new Verdict("a reserved address", AlwaysRefused: false));
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 or 6to4), or null.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6 || Nat64.Contains(address) || Compatible.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    private static Verdict? Match(Range[] ranges, IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        foreach (var range in ranges)
        {
            if (PrefixMatches(bytes, range.Network.Prefix.GetAddressBytes(), range.Network.Length))
            {
                return range.Verdict;
            }
        }
        return null;
    }

    private static bool PrefixMatches(byte[] address, byte[] prefix, int length)
    {
        var whole = length / 8;
        if (!address.AsSpan(0, whole).SequenceEqual(prefix.AsSpan(0, whole)))
        {
            return false;
        }
        var rest = length % 8;
        var mask = (byte)(0xFF << (8 - rest));
        return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
    }
}
