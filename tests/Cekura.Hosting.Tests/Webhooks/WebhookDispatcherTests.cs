using Microsoft.Extensions.Hosting;
using Cekura.Hosting.Net;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Cekura.Hosting.Tests.Support;
using Cekura.Hosting.Telemetry;
using Cekura.Hosting.Webhooks;
using Cekura.TestSupport.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.Hosting.Tests.Webhooks;

/// <summary>
/// The dispatcher against a real SQLite outbox and a Kestrel receiver on loopback (allow-listed through the option,
/// as an operator would). Backoffs are milliseconds; every wait is for a condition, with a deadline.
/// </summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    private const string Secret = "s3cret-for-the-receiver";
    private const string Body = """{"event_type":"call_log.completed","data":{"id":42,"transcript":"my card is <CREDIT_CARD> ✓"}}""";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-dispatch-{Guid.NewGuid():N}.db");
    private readonly CapturedLogs _logs = new();
    private readonly CekuraMetrics _metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider()
        .GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    private readonly List<WebhookDispatcher> _dispatchers = [];
    private readonly List<WebhookReceiver> _receivers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var dispatcher in _dispatchers)
        {
            await dispatcher.StopAsync(Ct);
            dispatcher.Dispose();
        }
        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    /// <summary>A store on the test's file; each call is a separate handle, as a separate process would have.</summary>
    private SqliteWebhookOutbox NewOutbox() => new(new SqliteDatabase(_path));

    private static WebhookOptions Fast(params string[] allowed) => new()
    {
        PollIntervalSeconds = 0.05,
        BatchSize = 8,
        TimeoutSeconds = 10,
        MaxAttempts = 4,
        BackoffBaseSeconds = 0.02,
        BackoffCapSeconds = 0.2,
        LeaseSeconds = 30,
        AllowedPrivateHosts = [.. allowed],
    };

    private async Task<WebhookReceiver> ReceiverAsync(params Func<Microsoft.AspNetCore.Http.HttpContext, Task>[] responders)
    {
        var receiver = await WebhookReceiver.StartAsync(responders);
        _receivers.Add(receiver);
        return receiver;
    }

    private async Task<WebhookDispatcher> StartDispatcherAsync(
        IWebhookOutbox outbox, WebhookOptions options, IHostAddressResolver? resolver = null, WebhookWakeUp? wakeUp = null,
        TimeSpan? shutdownTimeout = null)
    {
        var sender = new WebhookSender(Microsoft.Extensions.Options.Options.Create(options), resolver ?? new DnsHostAddressResolver(), TimeProvider.System);
        var dispatcher = new WebhookDispatcher(outbox, sender, wakeUp ?? new WebhookWakeUp(), TimeProvider.System,
            Microsoft.Extensions.Options.Options.Create(options), _metrics, _logs.For<WebhookDispatcher>(),
            Microsoft.Extensions.Options.Options.Create(new HostOptions { ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(25) }));
        _dispatchers.Add(dispatcher);
        await dispatcher.StartAsync(Ct);
        return dispatcher;
    }

    private static async Task<WebhookDelivery> EnqueueAsync(IWebhookOutbox outbox, string url, string key = "42:1", string? secret = Secret)
    {
        var now = DateTimeOffset.UtcNow;
        return (await outbox.EnqueueAsync(new WebhookDelivery
        {
            DeliveryKey = key, ProjectId = 1, CallLogId = 42, Url = url, Secret = secret, Body = Body, CreatedAt = now, NextAttemptAt = now,
        }, Ct)).Delivery;
    }

    private static Task<WebhookDelivery> UntilAsync(IWebhookOutbox outbox, WebhookDelivery delivery, WebhookDeliveryStatus status) =>
        Eventually.UntilAsync(async () => (await outbox.GetAsync(delivery.ProjectId, delivery.Id, Ct))!, d => d.Status == status,
            $"delivery {delivery.DeliveryKey} to be {status}");

    private void AssertLogsHoldNoSecretBodyOrPath()
    {
        Assert.NotEmpty(_logs.Lines);
        Assert.All(_logs.Lines, line =>
        {
            Assert.DoesNotContain(Secret, line);
            Assert.DoesNotContain("CREDIT_CARD", line);
            Assert.DoesNotContain("url-token", line);
        });
    }

    [Fact]
    public async Task A_delivery_that_fails_twice_is_then_delivered_exactly_once_with_its_headers_and_body()
    {
        var receiver = await ReceiverAsync(
            WebhookReceiver.Status(503),
            WebhookReceiver.Status(429, ("Retry-After", "1")),
            WebhookReceiver.Status(200));
        var outbox = NewOutbox();
        var options = Fast("127.0.0.1");
        options.BackoffCapSeconds = 2; // room for the receiver's Retry-After of 1 s
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/T1/url-token?x=1");
        var dispatcher = await StartDispatcherAsync(outbox, options);

        var delivered = await UntilAsync(outbox, delivery, WebhookDeliveryStatus.Delivered);
        await dispatcher.StopAsync(Ct);

        Assert.Equal((3, 200, (string?)null), (delivered.Attempts, delivered.LastStatusCode, delivered.LastError));
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.All(receiver.Requests, request =>
        {
            Assert.Equal(("POST", "/T1/url-token?x=1"), (request.Method, request.PathAndQuery));
            Assert.Equal(Body, request.Body);
            Assert.Equal("application/json", request.Header("Content-Type"));
            Assert.Equal(Secret, request.Header("X-CEKURA-SECRET"));
            Assert.Equal("42:1", request.Header("X-CEKURA-DELIVERY-ID"));
            Assert.Equal("Cekura-Webhooks/1.0", request.Header("User-Agent"));
        });
        AssertLogsHoldNoSecretBodyOrPath();
    }

    [Fact]
    public async Task A_receiver_that_always_fails_gets_max_attempts_then_the_delivery_is_abandoned()
    {
        var receiver = await ReceiverAsync(WebhookReceiver.Status(500));
        var outbox = NewOutbox();
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/T1/url-token");
        var dispatcher = await StartDispatcherAsync(outbox, Fast("127.0.0.1"));

        var abandoned = await UntilAsync(outbox, delivery, WebhookDeliveryStatus.Abandoned);
        await dispatcher.StopAsync(Ct);

        Assert.Equal((4, 500, "the receiver answered 500"), (abandoned.Attempts, abandoned.LastStatusCode, abandoned.LastError));
        Assert.NotNull(abandoned.AbandonedAt);
        Assert.Equal(4, receiver.Requests.Count);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning") && l.Contains("abandoned after 4 attempt(s): the receiver answered 500"));
        AssertLogsHoldNoSecretBodyOrPath();
    }

    [Fact]
    public async Task Two_dispatchers_sharing_one_sqlite_file_never_send_a_delivery_twice()
    {
        const int count = 30;
        var receiver = await ReceiverAsync(WebhookReceiver.Status(204));
        var setup = NewOutbox();
        for (var i = 0; i < count; i++)
        {
            await EnqueueAsync(setup, $"{receiver.BaseUrl}/hook", key: $"{i}:1");
        }
        var options = Fast("127.0.0.1");
        options.BatchSize = 3;
        var first = await StartDispatcherAsync(NewOutbox(), options);
        var second = await StartDispatcherAsync(NewOutbox(), options);

        await Eventually.UntilAsync(() => setup.ListAsync(1, null, 100, Ct),
            all => all.Count == count && all.All(d => d.Status == WebhookDeliveryStatus.Delivered), "every delivery to be delivered");
        await first.StopAsync(Ct);
        await second.StopAsync(Ct);

        var perDelivery = receiver.Requests.GroupBy(r => r.Header("X-CEKURA-DELIVERY-ID")).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(count, perDelivery.Count);
        Assert.All(perDelivery, pair => Assert.Equal(1, pair.Value));
        Assert.All(await setup.ListAsync(1, null, 100, Ct), d => Assert.Equal(1, d.Attempts));
    }

    [Fact]
    public async Task A_webhook_url_on_loopback_is_refused_without_the_allow_list_and_nothing_is_sent()
    {
        var receiver = await ReceiverAsync();
        var outbox = NewOutbox();
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/hook");
        var dispatcher = await StartDispatcherAsync(outbox, Fast());

        var abandoned = await UntilAsync(outbox, delivery, WebhookDeliveryStatus.Abandoned);
        // The warning is logged after the status is stored; once stopped, the dispatcher has written all it will.
        await dispatcher.StopAsync(Ct);

        Assert.Equal((1, (int?)null, "refused: 127.0.0.1 is a loopback address"),
            (abandoned.Attempts, abandoned.LastStatusCode, abandoned.LastError));
        Assert.Empty(receiver.Requests);
        Assert.Contains(_logs.Lines, l => l.Contains("abandoned after 1 attempt(s): refused: 127.0.0.1 is a loopback address"));
    }

    [Fact]
    public async Task A_webhook_host_resolving_to_a_private_address_is_refused()
    {
        var outbox = NewOutbox();
        var delivery = await EnqueueAsync(outbox, "https://hooks.customer.example/T1/url-token");
        var dispatcher = await StartDispatcherAsync(outbox, Fast(), new ScriptedResolver().Answer("hooks.customer.example", "203.0.114.7", "10.1.2.3"));

        var abandoned = await UntilAsync(outbox, delivery, WebhookDeliveryStatus.Abandoned);
        await dispatcher.StopAsync(Ct); // the warning comes after the stored status

        Assert.Equal("refused: hooks.customer.example resolves to 10.1.2.3, a private address", abandoned.LastError);
        Assert.Equal(1, abandoned.Attempts);
        AssertLogsHoldNoSecretBodyOrPath();
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_attempt()
    {
        var receiver = await ReceiverAsync(WebhookReceiver.Status(307, ("Location", "/elsewhere")));
        var outbox = NewOutbox();
        var options = Fast("127.0.0.1");
        options.MaxAttempts = 2;
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/hook");
        var dispatcher = await StartDispatcherAsync(outbox, options);

        var abandoned = await UntilAsync(outbox, delivery, WebhookDeliveryStatus.Abandoned);
        await dispatcher.StopAsync(Ct);

        Assert.Equal((2, 307, "the receiver answered 307; redirects are not followed"),
            (abandoned.Attempts, abandoned.LastStatusCode, abandoned.LastError));
        Assert.Equal(["/hook", "/hook"], receiver.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task An_enqueue_in_this_process_wakes_the_dispatcher_long_before_its_next_poll()
    {
        var receiver = await ReceiverAsync();
        var outbox = new CountingOutbox(NewOutbox());
        var options = Fast("127.0.0.1");
        options.PollIntervalSeconds = 3600;
        var wakeUp = new WebhookWakeUp();
        await StartDispatcherAsync(outbox, options, wakeUp: wakeUp);
        await Eventually.UntilAsync(() => outbox.Claims > 0, "the dispatcher's first round (it then sleeps for an hour)");
        var webhooks = new CompletionWebhooks(outbox, wakeUp, TimeProvider.System);

        var enqueued = await webhooks.EnqueueAsync(new CompletedCallWebhook
        {
            ProjectId = 1, CallLogId = 42, EvaluationNumber = 1, Url = $"{receiver.BaseUrl}/hook", Secret = Secret,
            Data = System.Text.Json.JsonDocument.Parse("""{"id": 42, "success": true}""").RootElement,
        }, Ct);

        Assert.True(enqueued.Created);
        await UntilAsync(outbox, enqueued.Delivery, WebhookDeliveryStatus.Delivered);
        Assert.Equal("""{"event_type":"call_log.completed","data":{"id":42,"success":true}}""", Assert.Single(receiver.Requests).Body);
    }

    [Fact]
    public async Task Enqueueing_one_completion_twice_sends_it_once()
    {
        var receiver = await ReceiverAsync();
        var outbox = NewOutbox();
        var wakeUp = new WebhookWakeUp();
        var webhooks = new CompletionWebhooks(outbox, wakeUp, TimeProvider.System);
        var webhook = new CompletedCallWebhook
        {
            ProjectId = 1, CallLogId = 42, EvaluationNumber = 1, Url = $"{receiver.BaseUrl}/hook",
            Data = System.Text.Json.JsonDocument.Parse("""{"id": 42}""").RootElement,
        };

        var first = await webhooks.EnqueueAsync(webhook, Ct);
        var again = await webhooks.EnqueueAsync(webhook, Ct);
        var dispatcher = await StartDispatcherAsync(outbox, Fast("127.0.0.1"), wakeUp: wakeUp);
        await UntilAsync(outbox, first.Delivery, WebhookDeliveryStatus.Delivered);
        var afterDelivery = await webhooks.EnqueueAsync(webhook, Ct);
        await dispatcher.StopAsync(Ct);

        Assert.Equal((true, false, false), (first.Created, again.Created, afterDelivery.Created));
        Assert.Equal(first.Delivery.Id, again.Delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Delivered, afterDelivery.Delivery.Status);
        var request = Assert.Single(receiver.Requests);
        Assert.Null(request.Header("X-CEKURA-SECRET"));
    }

    [Fact]
    public async Task An_attempt_in_flight_when_the_sender_stops_finishes_within_the_grace_and_is_not_handed_back()
    {
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var receiver = await ReceiverAsync(async context =>
        {
            entered.TrySetResult();
            await release.Task;
            context.Response.StatusCode = 200;
        });
        var outbox = NewOutbox();
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/hook");
        var options = Fast("127.0.0.1");
        options.StopGraceSeconds = 30;
        var dispatcher = await StartDispatcherAsync(outbox, options);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // StopAsync signals the stop before it first waits, so the receiver answers after the sender began stopping.
        var stopping = dispatcher.StopAsync(Ct);
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        var delivered = (await outbox.GetAsync(1, delivery.Id, Ct))!;
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, 200), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.Single(receiver.Requests);
        Assert.Empty(await outbox.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task The_stop_grace_ends_within_the_hosts_shutdown_timeout_so_the_attempt_is_still_handed_back()
    {
        var entered = new TaskCompletionSource();
        var receiver = await ReceiverAsync(WebhookReceiver.Hang(entered));
        var outbox = NewOutbox();
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/hook");
        var options = Fast("127.0.0.1");
        options.StopGraceSeconds = 300;
        var dispatcher = await StartDispatcherAsync(outbox, options, shutdownTimeout: TimeSpan.FromSeconds(1));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(0.6), dispatcher.StopGrace);
        // The host's own wait is what the test gives StopAsync; a grace past it would leave the delivery leased.
        await dispatcher.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        var handedBack = (await outbox.GetAsync(1, delivery.Id, Ct))!;
        Assert.Equal((WebhookDeliveryStatus.Pending, (string?)null), (handedBack.Status, handedBack.LeaseId));
        Assert.Equal("interrupted: the sender stopped during the attempt", handedBack.LastError);
    }

    [Fact]
    public async Task An_attempt_that_outlasts_the_stop_grace_is_handed_back()
    {
        var entered = new TaskCompletionSource();
        var receiver = await ReceiverAsync(WebhookReceiver.Hang(entered));
        var outbox = NewOutbox();
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/hook");
        var options = Fast("127.0.0.1");
        options.StopGraceSeconds = 0.2;
        var dispatcher = await StartDispatcherAsync(outbox, options);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await dispatcher.StopAsync(Ct);

        var handedBack = (await outbox.GetAsync(1, delivery.Id, Ct))!;
        Assert.Equal(WebhookDeliveryStatus.Pending, handedBack.Status);
        Assert.Null(handedBack.LeaseId);
        Assert.Equal(1, handedBack.Attempts);
        Assert.Equal("interrupted: the sender stopped during the attempt", handedBack.LastError);
        Assert.Single(await outbox.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task A_delivery_whose_last_attempt_was_interrupted_is_abandoned_without_sending()
    {
        var receiver = await ReceiverAsync();
        var outbox = NewOutbox();
        var options = Fast("127.0.0.1");
        options.MaxAttempts = 1;
        var delivery = await EnqueueAsync(outbox, $"{receiver.BaseUrl}/hook");
        // A sender claimed it (its only attempt) and died; its lease has run out.
        Assert.Single(await outbox.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMilliseconds(1), Ct));
        await Eventually.UntilAsync(async () => (await outbox.GetAsync(1, delivery.Id, Ct))!.LeasedUntil, until => until < DateTimeOffset.UtcNow,
            "the dead sender's lease to run out");

        await StartDispatcherAsync(outbox, options);
        var abandoned = await UntilAsync(outbox, delivery, WebhookDeliveryStatus.Abandoned);

        Assert.Equal("no attempts left: the last one was interrupted before its outcome was recorded", abandoned.LastError);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Finished_deliveries_older_than_the_retention_are_deleted()
    {
        var outbox = NewOutbox();
        var now = DateTimeOffset.UtcNow;
        var old = await EnqueueAsync(outbox, "https://hooks.example/old", key: "1:1");
        var lease = Assert.Single(await outbox.ClaimDueAsync(now, 10, TimeSpan.FromSeconds(30), Ct)).LeaseId!;
        await outbox.MarkDeliveredAsync(old.Id, lease, new WebhookAttemptOutcome(now.AddDays(-2), 200, null), Ct);
        var waiting = (await outbox.EnqueueAsync(new WebhookDelivery
        {
            DeliveryKey = "2:1", ProjectId = 1, CallLogId = 2, Url = "https://hooks.example/later", Body = Body,
            CreatedAt = now, NextAttemptAt = now.AddDays(1),
        }, Ct)).Delivery;
        var options = Fast();
        options.RetentionHours = 24;

        await StartDispatcherAsync(outbox, options);

        await Eventually.UntilAsync(async () => await outbox.GetAsync(1, old.Id, Ct), d => d is null, "the old delivery to be deleted");
        Assert.Equal(WebhookDeliveryStatus.Pending, (await outbox.GetAsync(1, waiting.Id, Ct))!.Status);
    }

    /// <summary>Counts finished claims, so a test knows the dispatcher has had its first round.</summary>
    private sealed class CountingOutbox(IWebhookOutbox inner) : IWebhookOutbox
    {
        private int _claims;

        public int Claims => Volatile.Read(ref _claims);

        public async Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan leaseDuration, CancellationToken cancellationToken)
        {
            var claimed = await inner.ClaimDueAsync(now, max, leaseDuration, cancellationToken);
            Interlocked.Increment(ref _claims);
            return claimed;
        }

        public Task<WebhookEnqueued> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken) => inner.EnqueueAsync(delivery, cancellationToken);
        public Task<bool> MarkDeliveredAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken) => inner.MarkDeliveredAsync(id, leaseId, outcome, cancellationToken);
        public Task<bool> MarkFailedAsync(long id, string leaseId, WebhookAttemptOutcome outcome, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) => inner.MarkFailedAsync(id, leaseId, outcome, nextAttemptAt, cancellationToken);
        public Task<bool> MarkAbandonedAsync(long id, string leaseId, WebhookAttemptOutcome outcome, CancellationToken cancellationToken) => inner.MarkAbandonedAsync(id, leaseId, outcome, cancellationToken);
        public Task<WebhookDelivery?> GetAsync(long projectId, long id, CancellationToken cancellationToken) => inner.GetAsync(projectId, id, cancellationToken);
        public Task<WebhookDelivery?> GetByKeyAsync(long projectId, string deliveryKey, CancellationToken cancellationToken) => inner.GetByKeyAsync(projectId, deliveryKey, cancellationToken);
        public Task<IReadOnlyList<WebhookDelivery>> ListAsync(long projectId, long? callLogId, int limit, CancellationToken cancellationToken) => inner.ListAsync(projectId, callLogId, limit, cancellationToken);
        public Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.DeleteFinishedBeforeAsync(cutoff, cancellationToken);
        public Task<int> DeleteForCallLogsAsync(long projectId, IReadOnlyCollection<long> callLogIds, CancellationToken cancellationToken) => inner.DeleteForCallLogsAsync(projectId, callLogIds, cancellationToken);
    }
}
