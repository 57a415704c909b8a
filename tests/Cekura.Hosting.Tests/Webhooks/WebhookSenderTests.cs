using System.Net;
using Cekura.Hosting.Net;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Webhooks;
using Cekura.TestSupport.Net;

namespace Cekura.Hosting.Tests.Webhooks;

/// <summary>One attempt at a time, against a local receiver; the dispatcher's tests cover retries and the store.</summary>
public sealed class WebhookSenderTests
{
    private const string PublicAddress = "93.184.215.14";

    private static WebhookOptions Options(params string[] allowed) => new() { TimeoutSeconds = 30, AllowedPrivateHosts = [.. allowed] };

    private static WebhookSender Sender(WebhookOptions? options = null, IHostAddressResolver? resolver = null,
        Func<IPEndPoint, CancellationToken, ValueTask<Stream>>? connect = null) =>
        new(options ?? Options("127.0.0.1"), resolver ?? new DnsHostAddressResolver(), TimeProvider.System, connect);

    private static WebhookDelivery Delivery(string url, string? secret = "s3cret") => new()
    {
        DeliveryKey = "42:1", ProjectId = 1, CallLogId = 42, Url = url, Secret = secret,
        Body = """{"event_type":"call_log.completed","data":{"id":42}}""", LeaseId = "lease",
    };

    [Fact]
    public async Task A_2xx_is_delivered_with_the_body_and_headers()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Status(202));

        var result = await Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook?token=abc"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Success(202), result);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", "/hook?token=abc"), (request.Method, request.PathAndQuery));
        Assert.Equal("""{"event_type":"call_log.completed","data":{"id":42}}""", request.Body);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("s3cret", request.Header("X-CEKURA-SECRET"));
        Assert.Equal("42:1", request.Header("X-CEKURA-DELIVERY-ID"));
        Assert.Equal("Cekura-Webhooks/1.0", request.Header("User-Agent"));
    }

    [Fact]
    public async Task Without_a_secret_no_secret_header_is_sent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        await Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook", secret: null), CancellationToken.None);

        Assert.Null(Assert.Single(receiver.Requests).Header("X-CEKURA-SECRET"));
    }

    [Fact]
    public async Task A_429_reports_its_retry_after_in_seconds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Status(429, ("Retry-After", "7")));

        var result = await Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Failure("the receiver answered 429", 429, TimeSpan.FromSeconds(7)), result);
    }

    [Fact]
    public async Task A_503_reports_its_retry_after_as_a_date()
    {
        var until = DateTimeOffset.UtcNow.AddHours(1);
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Status(503, ("Retry-After", until.ToString("R"))));

        var result = await Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook"), CancellationToken.None);

        Assert.Equal((503, "the receiver answered 503"), (result.StatusCode, result.Error));
        Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task Another_status_is_a_failure_without_retry_after(int status)
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Status(status, ("Retry-After", "7")));

        var result = await Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Failure($"the receiver answered {status}", status), result);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed(int status)
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Status(status, ("Location", "/elsewhere")));

        var result = await Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Failure($"the receiver answered {status}; redirects are not followed", status), result);
        Assert.Equal(["/hook"], receiver.Requests.Select(r => r.PathAndQuery));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://2130706433/hook", "refused: 127.0.0.1 is a loopback address")]
    [InlineData("http://[::ffff:10.0.0.5]/hook", "refused: ::ffff:10.0.0.5 is a private address (embedded IPv4 10.0.0.5)")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://localhost:8080/hook", "refused: localhost is a loopback host name")]
    [InlineData("http://metadata.google.internal/", "refused: metadata.google.internal is a cloud metadata host")]
    [InlineData("http://internal.example.com/hook", "refused: internal.example.com resolves to 10.1.2.3, a private address")]
    [InlineData("ftp://hooks.example/hook", "refused: only http and https URLs are posted to, not ftp")]
    [InlineData("https://user:pw@hooks.example/hook", "refused: the URL carries a user name or password")]
    [InlineData("hooks.example/hook", "not an absolute http or https URL")]
    public async Task An_unsafe_url_is_refused_for_good_without_connecting(string url, string reason)
    {
        var resolver = new ScriptedResolver().Answer("internal.example.com", "10.1.2.3").Answer("hooks.example", PublicAddress);
        var connector = new RecordingConnector(localPort: 0);

        var result = await Sender(Options(), resolver, connector.ConnectAsync).SendAsync(Delivery(url), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Refused(reason), result);
        Assert.Empty(connector.Endpoints);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_a_failure_worth_retrying()
    {
        var result = await Sender(Options(), new ScriptedResolver()).SendAsync(Delivery("https://nxdomain.example/hook"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Failure("could not resolve nxdomain.example"), result);
    }

    [Fact]
    public async Task The_connection_goes_to_the_checked_address_not_a_second_dns_answer()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var resolver = new ScriptedResolver().Answer("rebind.example", PublicAddress).Answer("rebind.example", "127.0.0.1");
        var connector = new RecordingConnector(receiver.Port);

        var result = await Sender(Options(), resolver, connector.ConnectAsync)
            .SendAsync(Delivery($"http://rebind.example:{receiver.Port}/hook"), CancellationToken.None);

        Assert.True(result.Delivered);
        Assert.Equal(1, resolver.Calls("rebind.example"));
        Assert.Equal([new IPEndPoint(IPAddress.Parse(PublicAddress), receiver.Port)], connector.Endpoints);
        Assert.Equal($"rebind.example:{receiver.Port}", Assert.Single(receiver.Requests).Host);
    }

    [Fact]
    public async Task An_allow_listed_name_may_resolve_to_loopback()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var resolver = new ScriptedResolver().Answer("hooks.internal", "127.0.0.1");

        var result = await Sender(Options("Hooks.Internal"), resolver).SendAsync(Delivery($"http://hooks.internal:{receiver.Port}/hook"), CancellationToken.None);

        Assert.True(result.Delivered);
        Assert.Equal($"hooks.internal:{receiver.Port}", Assert.Single(receiver.Requests).Host);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_cut_off_by_the_timeout()
    {
        var entered = new TaskCompletionSource();
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Hang(entered));
        var options = Options("127.0.0.1");
        options.TimeoutSeconds = 0.5;

        var result = await Sender(options).SendAsync(Delivery($"{receiver.BaseUrl}/hook"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Failure("timed out after 0.5 s"), result);
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_failure()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var result = await Sender().SendAsync(Delivery($"http://127.0.0.1:{port}/hook"), CancellationToken.None);

        Assert.Equal(WebhookAttemptResult.Failure("could not connect to 127.0.0.1"), result);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_result()
    {
        var entered = new TaskCompletionSource();
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Hang(entered));
        using var cancel = new CancellationTokenSource();

        var sending = Sender().SendAsync(Delivery($"{receiver.BaseUrl}/hook"), cancel.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }
}
