using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cekura.Hosting.Net;
using Cekura.Hosting.Storage;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Webhooks;

/// <summary>
/// Makes one attempt at a delivery: checks the URL like a recording URL (<see cref="OutboundAddressPolicy"/>, the
/// connection pinned to the checked address), POSTs the body, and reports the outcome. Redirects are not followed:
/// following one would send the secret to a host nobody configured, so a 3xx is a failed attempt.
/// </summary>
public sealed class WebhookSender
{
    public const string SecretHeader = "X-CEKURA-SECRET";
    public const string DeliveryIdHeader = "X-CEKURA-DELIVERY-ID";
    public const string UserAgent = "Cekura-Webhooks/1.0";

    private readonly OutboundAddressPolicy policy;
    private readonly TimeSpan timeout;
    private readonly TimeProvider clock;
    private readonly Func<IPEndPoint, CancellationToken, ValueTask<Stream>>? connect;

    public WebhookSender(IOptions<WebhookOptions> options, IHostAddressResolver resolver, TimeProvider clock)
        : this(options.Value, resolver, clock, connect: null)
    {
    }

    /// <param name="connect">Opens the TCP connection to a checked address (tests replace it); null for a plain socket.</param>
    internal WebhookSender(WebhookOptions options, IHostAddressResolver resolver, TimeProvider clock,
        Func<IPEndPoint, CancellationToken, ValueTask<Stream>>? connect)
    {
        policy = new OutboundAddressPolicy(options.AllowedPrivateHosts, resolver);
        timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        this.clock = clock;
        this.connect = connect;
    }

    /// <summary>One POST of <paramref name="delivery"/>; failures are results, only the caller's cancellation throws.</summary>
    public async Task<WebhookAttemptResult> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(delivery.Url.Trim(), UriKind.Absolute, out var uri))
        {
            return WebhookAttemptResult.Refused("not an absolute http or https URL");
        }
        if (OutboundAddressPolicy.UrlShapeRefusal(uri, "posted to") is { } shape)
        {
            return WebhookAttemptResult.Refused(shape);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            IReadOnlyList<IPAddress> addresses;
            try
            {
                addresses = await policy.CheckHostAsync(uri, deadline.Token);
            }
            catch (OutboundRefusedException e)
            {
                // A name that does not resolve may be a passing DNS failure; a refused address is refused for good.
                return e.Unresolved ? WebhookAttemptResult.Failure(e.Message) : WebhookAttemptResult.Refused(e.Message);
            }

            // A handler per attempt: each attempt resolves, checks and connects afresh, and nothing is pooled across receivers.
            using var handler = PinnedConnection.CreateHandler(connect);
            using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(delivery.Body)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation(DeliveryIdHeader, delivery.DeliveryKey);
            if (!string.IsNullOrEmpty(delivery.Secret))
            {
                request.Headers.TryAddWithoutValidation(SecretHeader, delivery.Secret);
            }
            PinnedConnection.Pin(request, addresses);

            // The answer's body is never read: nothing in it changes the outcome, and a hostile receiver could stream forever.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => WebhookAttemptResult.Success(status),
                >= 300 and < 400 => WebhookAttemptResult.Failure($"the receiver answered {status}; redirects are not followed", status),
                429 or 503 => WebhookAttemptResult.Failure($"the receiver answered {status}", status, RetryAfter(response)),
                _ => WebhookAttemptResult.Failure($"the receiver answered {status}", status),
            };
        }
        catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return WebhookAttemptResult.Failure($"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return WebhookAttemptResult.Failure(ConnectionFailure(uri, e));
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Names the host only: a webhook URL's path and query often carry a token of their own.</summary>
    private static string ConnectionFailure(Uri uri, Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => $"the TLS handshake with {uri.IdnHost} failed",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => $"could not connect to {uri.IdnHost}",
        _ => $"the request to {uri.IdnHost} failed",
    };
}
