using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Cekura.Hosting.Net;
using Cekura.Ingest.Recordings;
using Cekura.TestSupport.Net;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Tests.Recordings;

public sealed class SafeRecordingFetcherTests : IAsyncLifetime
{
    private const string PublicAddress = "93.184.215.14";
    private const int MaxBytes = 64 * 1024;

    private readonly LocalRecordingServer server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>A WAV-headed body of exactly <paramref name="length"/> bytes with a recognisable pattern after it.</summary>
    private static byte[] Wav(int length)
    {
        var bytes = new byte[length];
        for (var i = 12; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), length - 8);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    // A generous cap, so a loaded CI machine never turns a normal fetch into a timeout; the time-cap tests use 1 s.
    private static RecordingFetchOptions Options(params string[] allowed) => new()
    {
        MaxBytes = MaxBytes,
        TimeoutSeconds = 30,
        AllowedPrivateHosts = [.. allowed],
    };

    private static SafeRecordingFetcher TimeCappedFetcher()
    {
        var options = Options("127.0.0.1");
        options.TimeoutSeconds = 1;
        return LoopbackFetcher(options);
    }

    /// <summary>The production constructor (real DNS, real sockets) with our loopback server allow-listed.</summary>
    private static SafeRecordingFetcher LoopbackFetcher(RecordingFetchOptions? options = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options ?? Options("127.0.0.1")));

    private static async Task<string> RefusalAsync(SafeRecordingFetcher fetcher, string url) =>
        (await Assert.ThrowsAsync<RecordingFetchException>(() => fetcher.FetchAsync(url, CancellationToken.None))).Reason;

    private static async Task<byte[]> BytesAsync(FetchedRecording recording)
    {
        using var copy = new MemoryStream();
        await recording.Content.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static ScriptedResolver HostileDns() => new ScriptedResolver()
        .Answer("internal.example.com", "10.1.2.3")
        .Answer("mixed.example.com", PublicAddress, "192.168.0.10")
        .Answer("loop6.example.com", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::1")
        .Answer("mapped.example.com", "::ffff:169.254.169.254")
        .Answer("nat64.example.com", "64:ff9b::a00:7")
        .Answer("ula.example.com", "fd00::5")
        .Answer("zero.example.com", "0.0.0.0")
        .Answer("localhost", "127.0.0.1")
        .Answer("example.com", PublicAddress);

    [Theory]
    // IPv4 loopback in every spelling: Uri normalises decimal, octal, hex and short forms; IdnHost maps full-width digits.
    [InlineData("http://127.0.0.1/a.wav", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://2130706433/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://0177.0.0.1/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://0x7f.1/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://127.1/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://0x7f000001/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://017700000001/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://127.0.0.1./", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://１２７.0.0.1/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("https://127.0.0.1:8443/", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://10.0.0.5/a.wav", "refused: 10.0.0.5 is a private address")]
    [InlineData("http://172.16.3.4/", "refused: 172.16.3.4 is a private address")]
    [InlineData("http://172.31.255.255/", "refused: 172.31.255.255 is a private address")]
    [InlineData("http://192.168.1.1:8080/", "refused: 192.168.1.1 is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://0xa9fea9fe/", "refused: 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://100.100.100.200/", "refused: 100.100.100.200 is a cloud metadata address")]
    [InlineData("http://169.254.10.20/", "refused: 169.254.10.20 is a link-local address")]
    [InlineData("http://0.0.0.0:8080/", "refused: 0.0.0.0 is an unspecified address")]
    [InlineData("http://0/", "refused: 0.0.0.0 is an unspecified address")]
    [InlineData("http://0.1.2.3/", "refused: 0.1.2.3 is a 'this network' address")]
    [InlineData("http://255.255.255.255/", "refused: 255.255.255.255 is the broadcast address")]
    [InlineData("http://224.0.0.251/", "refused: 224.0.0.251 is a multicast address")]
    [InlineData("http://239.255.255.250/", "refused: 239.255.255.250 is a multicast address")]
    [InlineData("http://100.64.0.1/", "refused: 100.64.0.1 is a carrier-grade NAT address")]
    [InlineData("http://100.127.255.254/", "refused: 100.127.255.254 is a carrier-grade NAT address")]
    [InlineData("http://192.0.0.170/", "refused: 192.0.0.170 is an IETF protocol-assignment address")]
    [InlineData("http://198.18.0.1/", "refused: 198.18.0.1 is a benchmarking address")]
    [InlineData("http://198.19.255.255/", "refused: 198.19.255.255 is a benchmarking address")]
    [InlineData("http://240.0.0.1/", "refused: 240.0.0.1 is a reserved address")]
    [InlineData("http://192.0.2.1/", "refused: 192.0.2.1 is a documentation address")]
    [InlineData("http://198.51.100.7/", "refused: 198.51.100.7 is a documentation address")]
    [InlineData("http://203.0.113.9/", "refused: 203.0.113.9 is a documentation address")]
    // IPv6 literals, including zone ids, uppercase and the ranges that carry an IPv4 address.
    [InlineData("http://[::1]/", "refused: ::1 is a loopback address")]
    [InlineData("http://[0:0:0:0:0:0:0:1]:8080/", "refused: ::1 is a loopback address")]
    [InlineData("http://[::]/", "refused: :: is an unspecified address")]
    [InlineData("http://[fe80::1%25eth0]/", "refused: fe80::1 is a link-local address")]
    [InlineData("http://[FE80::ABCD]/", "refused: fe80::abcd is a link-local address")]
    [InlineData("http://[fc00::1]/", "refused: fc00::1 is a unique-local address")]
    [InlineData("http://[fd12:3456:789a::1]/", "refused: fd12:3456:789a::1 is a unique-local address")]
    [InlineData("http://[fd00:ec2::254]/", "refused: fd00:ec2::254 is a cloud metadata address")]
    [InlineData("http://[fec0::1]/", "refused: fec0::1 is a site-local address")]
    [InlineData("http://[ff02::1]/", "refused: ff02::1 is a multicast address")]
    [InlineData("http://[::ffff:127.0.0.1]/", "refused: ::ffff:127.0.0.1 is a loopback address (embedded IPv4 127.0.0.1)")]
    [InlineData("http://[::ffff:a9fe:a9fe]/", "refused: ::ffff:169.254.169.254 is a cloud metadata address (embedded IPv4 169.254.169.254)")]
    [InlineData("http://[::ffff:10.0.0.5]/", "refused: ::ffff:10.0.0.5 is a private address (embedded IPv4 10.0.0.5)")]
    [InlineData("http://[::127.0.0.1]/", "refused: ::127.0.0.1 is a loopback address (embedded IPv4 127.0.0.1)")]
    [InlineData("http://[64:ff9b::7f00:1]/", "refused: 64:ff9b::7f00:1 is a loopback address (embedded IPv4 127.0.0.1)")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/", "refused: 64:ff9b::a9fe:a9fe is a cloud metadata address (embedded IPv4 169.254.169.254)")]
    [InlineData("http://[64:ff9b:1::a00:1]/", "refused: 64:ff9b:1::a00:1 is a local-use NAT64 address")]
    [InlineData("http://[2002:a00:1::1]/", "refused: 2002:a00:1::1 is a private address (embedded IPv4 10.0.0.1)")]
    [InlineData("http://[2002:7f00:1::]/", "refused: 2002:7f00:1:: is a loopback address (embedded IPv4 127.0.0.1)")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "refused: 2001:0:4136:e378:8000:63bf:3fff:fdd2 is a Teredo address")]
    [InlineData("http://[2001:db8::1]/", "refused: 2001:db8::1 is a documentation address")]
    [InlineData("http://[100::1]/", "refused: 100::1 is a discard-only address")]
    [InlineData("http://[::ffff:0:7f00:1]/", "refused: ::ffff:0:127.0.0.1 is a reserved address")]
    // Names refused before any lookup.
    [InlineData("http://localhost/", "refused: localhost is a loopback host name")]
    [InlineData("HTTP://LOCALHOST./", "refused: localhost is a loopback host name")]
    [InlineData("http://api.localhost/", "refused: api.localhost is a loopback host name")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "refused: metadata.google.internal is a cloud metadata host")]
    [InlineData("http://Metadata.Google.Internal./", "refused: metadata.google.internal is a cloud metadata host")]
    [InlineData("http://metadata/", "refused: metadata is a cloud metadata host")]
    [InlineData("http://instance-data/latest/", "refused: instance-data is a cloud metadata host")]
    // Names whose DNS answer holds a bad address; one bad address among good ones is enough.
    [InlineData("http://internal.example.com/a.wav", "refused: internal.example.com resolves to 10.1.2.3, a private address")]
    [InlineData("http://Internal.Example.COM./a.wav", "refused: internal.example.com resolves to 10.1.2.3, a private address")]
    [InlineData("http://mixed.example.com/a.wav", "refused: mixed.example.com resolves to 192.168.0.10, a private address")]
    [InlineData("http://loop6.example.com/", "refused: loop6.example.com resolves to ::1, a loopback address")]
    [InlineData("http://mapped.example.com/", "refused: mapped.example.com resolves to ::ffff:169.254.169.254, a cloud metadata address (embedded IPv4 169.254.169.254)")]
    [InlineData("http://nat64.example.com/", "refused: nat64.example.com resolves to 64:ff9b::a00:7, a private address (embedded IPv4 10.0.0.7)")]
    [InlineData("http://ula.example.com/", "refused: ula.example.com resolves to fd00::5, a unique-local address")]
    [InlineData("http://zero.example.com/", "refused: zero.example.com resolves to 0.0.0.0, an unspecified address")]
    [InlineData("http://nxdomain.example/", "could not resolve nxdomain.example")]
    // URL shape.
    [InlineData("http://user:secret@example.com/a.wav", "refused: the URL carries a user name or password")]
    [InlineData("http://127.0.0.1:80@example.com/", "refused: the URL carries a user name or password")]
    [InlineData("ftp://example.com/a.wav", "refused: only http and https URLs are fetched, not ftp")]
    [InlineData("file:///etc/passwd", "refused: only http and https URLs are fetched, not file")]
    [InlineData("gopher://127.0.0.1:6379/_INFO", "refused: only http and https URLs are fetched, not gopher")]
    [InlineData("not a url", "not an absolute http or https URL")]
    [InlineData("", "not an absolute http or https URL")]
    public async Task Hostile_urls_are_refused_before_any_connection(string url, string reason)
    {
        var connector = new RecordingConnector(localPort: 0);
        var fetcher = new SafeRecordingFetcher(Options(), HostileDns(), connector.ConnectAsync);

        Assert.Equal(reason, await RefusalAsync(fetcher, url));
        Assert.Empty(connector.Endpoints);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]           // just past 172.16/12
    [InlineData("100.128.0.1")]          // just past 100.64/10
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]       // mapped, compatible, NAT64 and 6to4 forms of a public address
    [InlineData("::8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_pass(string address) => Assert.Null(AddressRules.Judge(IPAddress.Parse(address)));

    [Fact]
    public async Task A_small_wav_is_fetched_with_its_bytes_format_and_url()
    {
        var wav = Wav(3000);
        server.Serve("/call.wav", wav);

        await using var recording = await LoopbackFetcher().FetchAsync(server.Url("/call.wav"), CancellationToken.None);

        Assert.Equal(wav, await BytesAsync(recording));
        Assert.Equal(wav.Length, recording.Length);
        Assert.Equal(new AudioFormat.Detected("wav", "audio/wav", "wav"), recording.Format);
        Assert.Equal(server.Url("/call.wav"), recording.FinalUrl.ToString());
    }

    [Fact]
    public async Task Disposing_the_recording_deletes_its_temporary_file()
    {
        server.Serve("/call.wav", Wav(3000));
        var recording = await LoopbackFetcher().FetchAsync(server.Url("/call.wav"), CancellationToken.None);
        var path = Assert.IsType<FileStream>(recording.Content).Name;
        Assert.True(File.Exists(path));

        await recording.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_body_of_exactly_max_bytes_is_accepted()
    {
        server.Serve("/full.wav", Wav(MaxBytes));

        await using var recording = await LoopbackFetcher().FetchAsync(server.Url("/full.wav"), CancellationToken.None);

        Assert.Equal(MaxBytes, recording.Length);
    }

    [Fact]
    public async Task A_redirect_chain_of_three_is_followed()
    {
        var wav = Wav(2000);
        server.Redirect("/a", "/b", 301);                           // relative
        server.Redirect("/b", server.Url("/c"), 307);               // absolute
        server.Redirect("/c", "d.wav", 308);                        // relative to the directory
        server.Serve("/d.wav", wav);

        await using var recording = await LoopbackFetcher().FetchAsync(server.Url("/a"), CancellationToken.None);

        Assert.Equal(wav, await BytesAsync(recording));
        Assert.Equal(server.Url("/d.wav"), recording.FinalUrl.ToString());
        Assert.Equal(["/a", "/b", "/c", "/d.wav"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task A_redirect_chain_of_four_is_refused()
    {
        server.Redirect("/a", "/b");
        server.Redirect("/b", "/c");
        server.Redirect("/c", "/d");
        server.Redirect("/d", "/e.wav");
        server.Serve("/e.wav", Wav(2000));

        Assert.Equal("too many redirects (more than 3)", await RefusalAsync(LoopbackFetcher(), server.Url("/a")));
        Assert.DoesNotContain(server.Requests, r => r.Path == "/e.wav");
    }

    [Theory]
    [InlineData("http://10.0.0.5/a.wav", "refused: 10.0.0.5 is a private address (redirect 1)")]
    [InlineData("http://127.0.0.2/a.wav", "refused: 127.0.0.2 is a loopback address (redirect 1)")]
    [InlineData("http://[::1]/a.wav", "refused: ::1 is a loopback address (redirect 1)")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a cloud metadata address (redirect 1)")]
    [InlineData("http://metadata.google.internal/", "refused: metadata.google.internal is a cloud metadata host (redirect 1)")]
    [InlineData("file:///etc/passwd", "refused: only http and https URLs are fetched, not file (redirect 1)")]
    [InlineData("http://user:pw@127.0.0.1/", "refused: the URL carries a user name or password (redirect 1)")]
    public async Task A_redirect_to_a_refused_target_is_refused_at_that_hop(string location, string reason)
    {
        server.Redirect("/start", location);

        Assert.Equal(reason, await RefusalAsync(LoopbackFetcher(), server.Url("/start")));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_announced_length_above_the_cap_is_refused_before_the_body()
    {
        server.Serve("/big.wav", Wav(MaxBytes + 1));

        Assert.Equal("larger than 64 KiB", await RefusalAsync(LoopbackFetcher(), server.Url("/big.wav")));
    }

    [Fact]
    public async Task An_unannounced_body_above_the_cap_is_refused_while_streaming()
    {
        server.Map("/big.wav", (s, ct) => LocalRecordingServer.WriteAsync(s, 200, ["Content-Type: audio/wav"], Wav(MaxBytes + 1), ct));

        Assert.Equal("larger than 64 KiB", await RefusalAsync(LoopbackFetcher(), server.Url("/big.wav")));
    }

    [Fact]
    public async Task The_default_cap_is_named_in_mebibytes()
    {
        server.Map("/huge.wav", (s, ct) => LocalRecordingServer.WriteAsync(s, 200, [$"Content-Length: {300L * 1024 * 1024}"], Wav(64), ct));
        var options = new RecordingFetchOptions { AllowedPrivateHosts = ["127.0.0.1"] };

        Assert.Equal("larger than 200 MiB", await RefusalAsync(LoopbackFetcher(options), server.Url("/huge.wav")));
    }

    [Fact]
    public async Task A_slow_body_is_cut_off_by_the_time_cap()
    {
        server.Map("/slow.wav", async (s, ct) =>
        {
            await LocalRecordingServer.WriteAsync(s, 200, ["Content-Type: audio/wav"], Wav(44), ct);
            while (true)
            {
                await Task.Delay(100, ct);
                await s.WriteAsync(new byte[1], ct);
            }
        });
        var clock = Stopwatch.StartNew();

        Assert.Equal("timed out after 1 s", await RefusalAsync(TimeCappedFetcher(), server.Url("/slow.wav")));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_server_that_never_answers_is_cut_off_by_the_time_cap()
    {
        server.Map("/silent.wav", (_, ct) => Task.Delay(Timeout.Infinite, ct));

        Assert.Equal("timed out after 1 s", await RefusalAsync(TimeCappedFetcher(), server.Url("/silent.wav")));
    }

    [Fact]
    public async Task A_body_that_is_not_audio_is_refused()
    {
        server.Serve("/page.wav", "<!doctype html><html><body>Not found, but 200</body></html>"u8.ToArray(), "text/html");

        Assert.Equal("not an audio file", await RefusalAsync(LoopbackFetcher(), server.Url("/page.wav")));
    }

    [Fact]
    public async Task An_empty_body_is_not_audio()
    {
        server.Serve("/empty.wav", []);

        Assert.Equal("not an audio file", await RefusalAsync(LoopbackFetcher(), server.Url("/empty.wav")));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    [InlineData(500)]
    public async Task An_error_status_is_refused_with_its_code(int status)
    {
        server.Map("/x.wav", (s, ct) => LocalRecordingServer.WriteAsync(s, status, ["Content-Length: 0"], [], ct));

        Assert.Equal($"the server answered {status}", await RefusalAsync(LoopbackFetcher(), server.Url("/x.wav")));
    }

    [Fact]
    public async Task A_redirect_without_location_is_refused()
    {
        server.Map("/r", (s, ct) => LocalRecordingServer.WriteAsync(s, 302, ["Content-Length: 0"], [], ct));

        Assert.Equal("the server answered 302 without a usable Location", await RefusalAsync(LoopbackFetcher(), server.Url("/r")));
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_failure()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        Assert.Equal("could not connect to 127.0.0.1", await RefusalAsync(LoopbackFetcher(), $"http://127.0.0.1:{port}/a.wav"));
    }

    [Fact]
    public async Task A_body_cut_short_of_its_announced_length_is_a_failed_download()
    {
        server.Map("/cut.wav", (s, ct) => LocalRecordingServer.WriteAsync(s, 200, ["Content-Length: 3000"], Wav(100), ct));

        Assert.Equal("the download from 127.0.0.1 failed", await RefusalAsync(LoopbackFetcher(), server.Url("/cut.wav")));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_reported_as_a_refusal()
    {
        server.Map("/silent.wav", (_, ct) => Task.Delay(Timeout.Infinite, ct));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var options = new RecordingFetchOptions { AllowedPrivateHosts = ["127.0.0.1"] };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => LoopbackFetcher(options).FetchAsync(server.Url("/silent.wav"), cancel.Token));
    }

    [Fact]
    public async Task Nothing_is_fetched_when_disabled()
    {
        server.Serve("/call.wav", Wav(3000));
        var options = Options("127.0.0.1");
        options.Enabled = false;

        Assert.Equal("fetching recording URLs is turned off on this server; upload the file instead",
            await RefusalAsync(LoopbackFetcher(options), server.Url("/call.wav")));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Loopback_is_refused_unless_allow_listed()
    {
        server.Serve("/call.wav", Wav(3000));

        Assert.Equal("refused: 127.0.0.1 is a loopback address", await RefusalAsync(LoopbackFetcher(Options()), server.Url("/call.wav")));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_cidr_allow_list_entry_admits_its_range()
    {
        server.Serve("/call.wav", Wav(3000));

        await using var recording = await LoopbackFetcher(Options("127.0.0.0/8")).FetchAsync(server.Url("/call.wav"), CancellationToken.None);

        Assert.Equal(3000, recording.Length);
    }

    [Fact]
    public async Task An_allow_listed_host_name_may_resolve_to_a_private_address_and_only_that_name()
    {
        server.Serve("/call.wav", Wav(3000));
        var resolver = new ScriptedResolver().Answer("storage.internal", "10.0.0.9").Answer("other.internal", "10.0.0.9");
        var connector = new RecordingConnector(server.Port);
        var fetcher = new SafeRecordingFetcher(Options("Storage.Internal."), resolver, connector.ConnectAsync);

        await using var recording = await fetcher.FetchAsync($"http://storage.internal:{server.Port}/call.wav", CancellationToken.None);

        Assert.Equal(3000, recording.Length);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.9"), server.Port)], connector.Endpoints);
        Assert.Equal("refused: other.internal resolves to 10.0.0.9, a private address",
            await RefusalAsync(fetcher, $"http://other.internal:{server.Port}/call.wav"));
    }

    [Theory]
    [InlineData("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address")]
    [InlineData("http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address")]
    [InlineData("http://255.255.255.255/", "refused: 255.255.255.255 is the broadcast address")]
    [InlineData("http://[::]/", "refused: :: is an unspecified address")]
    [InlineData("http://[ff02::1]/", "refused: ff02::1 is a multicast address")]
    public async Task No_allow_list_admits_addresses_where_no_server_listens(string url, string reason)
    {
        var fetcher = new SafeRecordingFetcher(Options("0.0.0.0/0", "::/0"), new ScriptedResolver(), new RecordingConnector(0).ConnectAsync);

        Assert.Equal(reason, await RefusalAsync(fetcher, url));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not a host")]
    [InlineData("http://storage.internal")]
    public void A_malformed_allow_list_entry_fails_at_construction(string entry) =>
        Assert.Throws<OptionsValidationException>(() => LoopbackFetcher(Options(entry)));

    [Fact]
    public async Task A_rebinding_host_is_resolved_once_and_the_checked_address_is_the_one_connected()
    {
        var wav = Wav(3000);
        server.Serve("/call.wav", wav);
        var resolver = new ScriptedResolver().Answer("rebind.example", PublicAddress).Answer("rebind.example", "127.0.0.1");
        var connector = new RecordingConnector(server.Port);
        var fetcher = new SafeRecordingFetcher(Options(), resolver, connector.ConnectAsync);

        await using var recording = await fetcher.FetchAsync($"http://rebind.example:{server.Port}/call.wav", CancellationToken.None);

        Assert.Equal(wav, await BytesAsync(recording));
        Assert.Equal(1, resolver.Calls("rebind.example"));
        Assert.Equal([new IPEndPoint(IPAddress.Parse(PublicAddress), server.Port)], connector.Endpoints);
        Assert.Equal(("/call.wav", $"rebind.example:{server.Port}"), Assert.Single(server.Requests));
    }

    [Fact]
    public async Task Each_redirect_hop_is_resolved_again_and_a_rebound_answer_is_refused()
    {
        server.Redirect("/start", "/call.wav");
        server.Serve("/call.wav", Wav(3000));
        var resolver = new ScriptedResolver().Answer("rebind.example", PublicAddress).Answer("rebind.example", "127.0.0.1");
        var connector = new RecordingConnector(server.Port);
        var fetcher = new SafeRecordingFetcher(Options(), resolver, connector.ConnectAsync);

        Assert.Equal("refused: rebind.example resolves to 127.0.0.1, a loopback address (redirect 1)",
            await RefusalAsync(fetcher, $"http://rebind.example:{server.Port}/start"));
        Assert.Equal(2, resolver.Calls("rebind.example"));
        Assert.Equal([new IPEndPoint(IPAddress.Parse(PublicAddress), server.Port)], connector.Endpoints);
        Assert.Equal(["/start"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task When_the_first_checked_address_is_unreachable_the_next_checked_one_is_tried()
    {
        server.Serve("/call.wav", Wav(3000));
        var resolver = new ScriptedResolver().Answer("two.example", "203.0.114.1", PublicAddress);
        var connector = new RecordingConnector(server.Port) { Unreachable = { IPAddress.Parse("203.0.114.1") } };
        var fetcher = new SafeRecordingFetcher(Options(), resolver, connector.ConnectAsync);

        await using var recording = await fetcher.FetchAsync($"http://two.example:{server.Port}/call.wav", CancellationToken.None);

        Assert.Equal(["203.0.114.1", PublicAddress], connector.Endpoints.Select(e => e.Address.ToString()));
        Assert.Equal(1, resolver.TotalCalls);
    }
}
