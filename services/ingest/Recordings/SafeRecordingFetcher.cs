using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// Downloads a client's <c>voice_recording_url</c> without letting it reach our own network (SSRF). Each hop's host
/// is resolved once, every address it resolves to is judged, and the connection goes to a judged address, so a
/// second DNS answer cannot rebind the host to an internal one. Redirects are followed here, one checked hop at a time.
/// </summary>
public sealed class SafeRecordingFetcher
{
    private static readonly HttpRequestOptionsKey<IReadOnlyList<IPAddress>> CheckedAddresses = new("Cekura.RecordingFetch.CheckedAddresses");

    private readonly RecordingFetchOptions options;
    private readonly IHostAddressResolver resolver;
    private readonly Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect;
    private readonly HashSet<string> allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AddressRules.Network> allowedNetworks = [];

    public SafeRecordingFetcher(IOptions<RecordingFetchOptions> options, IHostAddressResolver? resolver = null)
        : this(options.Value, resolver ?? new DnsHostAddressResolver(), ConnectSocketAsync)
    {
    }

    /// <param name="connect">Opens the TCP connection to an address that has passed the checks (tests replace it).</param>
    internal SafeRecordingFetcher(RecordingFetchOptions options, IHostAddressResolver resolver,
        Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect)
    {
        this.options = options;
        this.resolver = resolver;
        this.connect = connect;
        foreach (var entry in options.AllowedPrivateHosts)
        {
            var value = entry.Trim().TrimEnd('.');
            if (AddressRules.Network.TryParse(value, out var network))
            {
                allowedNetworks.Add(network);
            }
            else if (value.Length > 0 && !value.Contains('/') && Uri.CheckHostName(value) == UriHostNameType.Dns)
            {
                allowedNames.Add(value);
            }
            else
            {
                throw new OptionsValidationException(RecordingFetchOptions.Section, typeof(RecordingFetchOptions),
                    [$"AllowedPrivateHosts entry '{entry}' is not a host name, an IP address or a CIDR range."]);
            }
        }
    }

    /// <summary>Downloads <paramref name="url"/>; the caller disposes the result, which deletes its temporary file.</summary>
    /// <exception cref="RecordingFetchException">The URL was refused or the download failed; the reason is for the client.</exception>
    public async Task<FetchedRecording> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            throw new RecordingFetchException("fetching recording URLs is turned off on this server; upload the file instead");
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        using var handler = CreateHandler();
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Uri? current = null;
        try
        {
            current = Parse(url);
            for (var hop = 0; ; hop++)
            {
                var addresses = await CheckHostAsync(current, hop, deadline.Token);
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Options.Set(CheckedAddresses, addresses);
                request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if (!IsRedirect(response.StatusCode))
                {
                    return await ReadRecordingAsync(response, current, deadline.Token);
                }
                if (hop == options.MaxRedirects)
                {
                    throw new RecordingFetchException($"too many redirects (more than {options.MaxRedirects})");
                }
                current = response.Headers.Location is { } location
                    ? Checked(new Uri(current, location), hop + 1)
                    : throw new RecordingFetchException($"the server answered {(int)response.StatusCode} without a usable Location");
            }
        }
        catch (Exception e) when (e is not RecordingFetchException && deadline.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            throw new RecordingFetchException($"timed out after {options.TimeoutSeconds} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new RecordingFetchException(ConnectionFailure(current, e));
        }
    }

    private SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        // A proxy would open the connection itself, to an address nobody checked.
        UseProxy = false,
        UseCookies = false,
        // MaxBytes limits what is stored; decompressing would let a small gzip body expand past it.
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = ConnectToCheckedAddressAsync,
    };

    private async ValueTask<Stream> ConnectToCheckedAddressAsync(SocketsHttpConnectionContext context, CancellationToken token)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(CheckedAddresses, out var addresses) || addresses.Count == 0)
        {
            throw new InvalidOperationException("A recording fetch tried to connect without checked addresses.");
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

    private static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endPoint, CancellationToken token)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Uri Parse(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            ? Checked(uri, 0)
            : throw new RecordingFetchException("not an absolute http or https URL");

    private static Uri Checked(Uri uri, int hop)
    {
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Refused($"refused: only http and https URLs are fetched, not {uri.Scheme}", hop);
        }
        if (uri.UserInfo.Length > 0)
        {
            throw Refused("refused: the URL carries a user name or password", hop);
        }
        return uri;
    }

    /// <summary>Resolves the hop's host once and returns its addresses, all judged safe (or allow-listed).</summary>
    private async Task<IReadOnlyList<IPAddress>> CheckHostAsync(Uri uri, int hop, CancellationToken token)
    {
        // IdnHost maps full-width and other Unicode digits to ASCII ("１２７.0.0.1"); Uri already turned decimal,
        // octal, hex and short IPv4 forms into dotted quads, except with a trailing dot ("127.0.0.1."), trimmed here.
        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0)
        {
            throw Refused("not an absolute http or https URL", hop);
        }
        if (IPAddress.TryParse(host, out var literal))
        {
            if (Refusal(literal, nameAllowed: false) is { } what)
            {
                throw Refused($"refused: {literal} is {what}", hop);
            }
            return [literal];
        }

        var nameAllowed = allowedNames.Contains(host);
        if (!nameAllowed && AddressRules.JudgeName(host) is { } nameRefusal)
        {
            throw Refused($"refused: {host} is {nameRefusal}", hop);
        }
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(host, token);
        }
        catch (SocketException)
        {
            addresses = [];
        }
        if (addresses.Length == 0)
        {
            throw Refused($"could not resolve {host}", hop);
        }
        foreach (var address in addresses)
        {
            if (Refusal(address, nameAllowed) is { } what)
            {
                throw Refused($"refused: {host} resolves to {address}, {what}", hop);
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

    private static RecordingFetchException Refused(string reason, int hop) =>
        new(hop == 0 ? reason : $"{reason} (redirect {hop})");

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private async Task<FetchedRecording> ReadRecordingAsync(HttpResponseMessage response, Uri uri, CancellationToken token)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new RecordingFetchException($"the server answered {(int)response.StatusCode}");
        }
        if (response.Content.Headers.ContentLength > options.MaxBytes)
        {
            throw TooLarge();
        }
        await using var body = await response.Content.ReadAsStreamAsync(token);
        var header = new byte[AudioFormat.HeaderLength];
        var headerLength = await body.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, token);
        if (AudioFormat.Detect(header.AsSpan(0, headerLength)) is not { } format)
        {
            throw new RecordingFetchException("not an audio file");
        }

        // FileShare.Read: the decode check opens the file by its path while this stream holds it.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"cekura-recording-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            long total = headerLength;
            var chunk = header.AsMemory(0, headerLength);
            var buffer = new byte[81920];
            do
            {
                if (total > options.MaxBytes)
                {
                    throw TooLarge();
                }
                await file.WriteAsync(chunk, token);
                var read = await body.ReadAsync(buffer, token);
                chunk = buffer.AsMemory(0, read);
                total += read;
            }
            while (chunk.Length > 0);
            await file.FlushAsync(token);
            file.Position = 0;
            return new FetchedRecording(file, total, format, uri);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private RecordingFetchException TooLarge() => new($"larger than {Size(options.MaxBytes)}");

    private static string Size(long bytes) => bytes switch
    {
        _ when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        _ when bytes % 1024 == 0 => $"{bytes / 1024} KiB",
        _ => $"{bytes} bytes",
    };

    private static string ConnectionFailure(Uri? uri, Exception e)
    {
        var host = uri?.IdnHost ?? "the server";
        return e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => $"the TLS handshake with {host} failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => $"could not connect to {host}",
            _ => $"the download from {host} failed",
        };
    }
}

/// <summary>A recording URL was refused or could not be downloaded; <see cref="Exception.Message"/> is the reason.</summary>
public sealed class RecordingFetchException(string reason) : Exception(reason)
{
    /// <summary>A short sentence for the 400 on <c>voice_recording_url</c>.</summary>
    public string Reason => Message;
}

/// <summary>A downloaded recording, held in a temporary file that disposing deletes.</summary>
public sealed class FetchedRecording(FileStream content, long length, AudioFormat.Detected format, Uri finalUrl)
    : IAsyncDisposable, IDisposable
{
    /// <summary>The body, positioned at its start.</summary>
    public Stream Content { get; } = content;

    /// <summary>The temporary file's path, for tools that read the file themselves (ffprobe).</summary>
    public string FilePath { get; } = content.Name;

    public long Length { get; } = length;

    public AudioFormat.Detected Format { get; } = format;

    /// <summary>The URL the body came from, after redirects.</summary>
    public Uri FinalUrl { get; } = finalUrl;

    public void Dispose() => Content.Dispose();

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>Resolves a host name to its addresses; the fetcher calls it once per hop and connects only to its answer.</summary>
public interface IHostAddressResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsHostAddressResolver : IHostAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>Which addresses and names a fetched URL may not reach. Judged on parsed addresses, never on strings.</summary>
internal static class AddressRules
{
    internal sealed record Verdict(string What, bool AlwaysRefused);

    internal readonly record struct Network(IPAddress Prefix, int Length)
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

    /// <summary>Why a name may not be fetched, before it is even resolved; null if it may be.</summary>
    public static string? JudgeName(string host) =>
        MetadataNames.Contains(host) ? "a cloud metadata host"
        : host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) ? "a loopback host name"
        : null;

    /// <summary>Why an address may not be fetched; null if it is a public unicast address.</summary>
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
