using System.Net;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Contracts.Metrics;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using Cekura.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Cekura.EndToEnd.Tests;

/// <summary>The chain over a real RabbitMQ broker: durable stage queues, retries, the error queue, idempotent redelivery.</summary>
[Collection(RabbitMqFixture.Collection)]
public sealed class RabbitMqBusTests(RabbitMqFixture rabbit)
{
    private EmbeddedHost Host(Action<IServiceCollection>? services = null, string retryLimit = "2",
        IReadOnlyDictionary<string, string?>? extra = null) => new(new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>())
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Host"] = rabbit.Host,
        ["Bus:RabbitMq:Port"] = rabbit.Port.ToString(),
        ["Bus:RabbitMq:Username"] = rabbit.Username,
        ["Bus:RabbitMq:Password"] = rabbit.Password,
        ["Bus:Retry:Limit"] = retryLimit,
    }, services);

    [SkippableFact]
    public async Task A_call_goes_through_every_stage_queue_on_RabbitMQ()
    {
        rabbit.SkipIfUnavailable();
        await using var host = Host();
        var client = host.CreateAuthorizedClient();
        var response = await Calls.PostCallAsync(client, Calls.Body("rabbit-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var done = await Calls.WaitForStageAsync(client, (await response.ReadJsonAsync()).GetProperty("id").GetInt64(), "evaluated");
        Assert.Equal("success", done.GetProperty("status").GetString());

        await using var connection = await Connect();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in new[] { "transcription", "redaction", "evaluation" })
        {
            var declared = await channel.QueueDeclarePassiveAsync(queue);
            Assert.Equal(0u, declared.MessageCount);
        }
    }

    [SkippableFact]
    public async Task Redelivered_events_change_nothing()
    {
        rabbit.SkipIfUnavailable();
        await using var host = Host();
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("redelivered-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();
        await Calls.WaitForStageAsync(client, id, "evaluated");
        var store = host.Services.GetRequiredService<ICallStore>();
        // Evaluated shows before the evaluation stage has noted its own CallEvaluated as published; wait for that last write.
        var before = await Eventually.UntilAsync(
            async () => (await store.GetAsync(1, id, CancellationToken.None))!,
            call => call.OutboxPublishedAt is not null,
            _ => "CallEvaluated was never recorded as published");

        var bus = host.Services.GetRequiredService<IBus>();
        var consumed = new ConsumedCounter(id);
        using var observing = bus.ConnectConsumeObserver(consumed);
        for (var i = 0; i < 3; i++)
        {
            await bus.Publish(new CallReceived { CallLogId = id, ProjectId = 1 });
            await bus.Publish(new CallTranscribed { CallLogId = id, ProjectId = 1 });
            await bus.Publish(new CallRedacted { CallLogId = id, ProjectId = 1 });
        }
        // Every redelivered event has been consumed to the end (not merely taken off its queue).
        await consumed.WaitForAsync(9, TimeSpan.FromSeconds(60));

        var after = (await store.GetAsync(1, id, CancellationToken.None))!;
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(PredefinedMetrics.All.Count, after.Metrics.Count);
    }

    [SkippableFact]
    public async Task Transient_store_failures_are_retried_until_the_stage_succeeds()
    {
        rabbit.SkipIfUnavailable();
        FlakyCallStore? flaky = null;
        await using var host = Host(services => services.AddSingleton<ICallStore>(sp =>
            flaky = new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed, failures: 2)),
            retryLimit: "3");
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("flaky-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();
        var done = await Calls.WaitForStageAsync(client, id, "evaluated");
        Assert.Equal(JsonNull, done.GetProperty("error_message").ValueKind);
        Assert.True(flaky!.Failed >= 2);
    }

    [SkippableFact]
    public async Task Exhausted_retries_record_the_error_on_the_call_and_park_the_message_in_the_error_queue()
    {
        rabbit.SkipIfUnavailable();
        await PurgeAsync("transcription_error");

        // A store that never heals: two redeliveries (EmbeddedHost's defaults), then the call fails.
        await using var host = Host(services => services.AddSingleton<ICallStore>(sp =>
            new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed, failures: null)));
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("poison-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();
        var failed = await Calls.WaitForStageAsync(client, id, "failed");
        Assert.Equal("Transcription failed: injected store outage", failed.GetProperty("error_message").GetString());
        Assert.Equal(JsonNull, failed.GetProperty("success").ValueKind);

        // The call records the fault before MassTransit moves the message to the error queue: wait for it to arrive.
        var parked = await WaitForParkedAsync("transcription_error", id);
        Assert.Contains("call-received", parked);
    }

    [SkippableFact]
    public async Task A_poison_message_goes_to_the_error_queue_at_once_with_the_reason_on_the_call()
    {
        rabbit.SkipIfUnavailable();
        await PurgeAsync("transcription_error");
        await using var host = Host(services => services.AddSingleton<ICallStore>(sp =>
            new FlakyCallStore(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed, failures: null)
            {
                Poison = true,
            }), extra: RedeliveryTests.ShortRedelivery);
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("poison-bug-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();

        var failed = await Calls.WaitForStageAsync(client, id, "failed");

        Assert.Equal("Transcription failed: injected bug", failed.GetProperty("error_message").GetString());
        Assert.Equal(0, (await host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(id, CancellationToken.None))!.Redeliveries);
        Assert.Contains("call-received", await WaitForParkedAsync("transcription_error", id));
    }

    [SkippableFact]
    public async Task A_store_outage_of_seconds_heals_by_redelivery_and_leaves_nothing_in_the_error_queue()
    {
        rabbit.SkipIfUnavailable();
        await PurgeAsync("transcription_error");
        FlakyCallStore? flaky = null;
        await using var host = Host(services => services.AddSingleton<ICallStore>(sp =>
            flaky = FlakyCallStore.FailingFor(new SqliteCallStore(sp.GetRequiredService<SqliteDatabase>()), CallStage.Transcribed,
                TimeSpan.FromSeconds(3))), extra: RedeliveryTests.ShortRedelivery);
        var client = host.CreateAuthorizedClient();
        var id = (await (await Calls.PostCallAsync(client, Calls.Body("outage-rabbit-1"))).ReadJsonAsync()).GetProperty("id").GetInt64();

        var done = await Calls.WaitForStageAsync(client, id, "evaluated", TimeSpan.FromSeconds(90));

        Assert.Equal("evaluated", done.GetProperty("processing_stage").GetString());
        Assert.Equal(JsonNull, done.GetProperty("error_message").ValueKind);
        Assert.True(flaky!.Failed > 3, $"only {flaky.Failed} failed writes: the outage never outlasted the retries");
        Assert.Equal(1, (await host.Services.GetRequiredService<ICallStore>().GetForWorkerAsync(id, CancellationToken.None))!.EvaluationCount);
        await using var connection = await Connect();
        await using var channel = await connection.CreateChannelAsync();
        Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync("transcription_error")).MessageCount);
    }

    private async Task PurgeAsync(string queue)
    {
        await using var connection = await Connect();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueuePurgeAsync(queue);
    }

    /// <summary>The body of the message about call <paramref name="callLogId"/> once it sits in <paramref name="queue"/>.</summary>
    private async Task<string> WaitForParkedAsync(string queue, long callLogId)
    {
        await using var connection = await Connect();
        await using var channel = await connection.CreateChannelAsync();
        var bodies = new List<string>();
        return (await Eventually.UntilAsync(async () =>
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                bodies.Add(System.Text.Encoding.UTF8.GetString(message.Body.Span));
            }
            return bodies.FirstOrDefault(b => b.Contains($"\"callLogId\": {callLogId}") || b.Contains($"\"callLogId\":{callLogId}"));
        }, body => body is not null, _ => $"no message about call {callLogId} in {queue} (saw {bodies.Count})", TimeSpan.FromSeconds(30)))!;
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    private Task<IConnection> Connect() => new ConnectionFactory
    {
        HostName = rabbit.Host, Port = rabbit.Port, UserName = rabbit.Username, Password = rabbit.Password,
    }.CreateConnectionAsync();

    /// <summary>Counts the stage events about one call that consumers have finished with (successfully or not).</summary>
    private sealed class ConsumedCounter(long callLogId) : IConsumeObserver
    {
        private int _count;

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref _count) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{_count} of {count} events consumed");
                await Task.Delay(50);
            }
        }

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Count(context.Message);

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Count(context.Message);

        private Task Count(object message)
        {
            var id = message switch
            {
                CallReceived m => m.CallLogId,
                CallTranscribed m => m.CallLogId,
                CallRedacted m => m.CallLogId,
                _ => 0,
            };
            if (id == callLogId)
            {
                Interlocked.Increment(ref _count);
            }
            return Task.CompletedTask;
        }
    }
}
