using System.Collections.Concurrent;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Messages;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Sqlite;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Tests.Calls;

/// <summary>
/// The outbox relay over a real SQLite store and MassTransit's in-memory bus. Sweeps are run at chosen times, so
/// back-off is checked without waiting for it; a publish filter in the bus counts what reached it, and fails the
/// publishes of the calls a test names (fault injection in the real pipeline).
/// </summary>
public sealed class OutboxRelayTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cekura-relay-{Guid.NewGuid():N}.db");
    private readonly ConcurrentDictionary<long, int> _published = new();
    private readonly ConcurrentDictionary<long, bool> _failing = new();
    private readonly OutboxOptions _options = new() { RepublishAfterSeconds = 300, UnpublishedGraceSeconds = 10, BatchSize = 200 };
    private ServiceProvider _provider = null!;
    private SqliteCallStore _store = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(_options))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new BusOptions()))
            .AddSingleton(new SqliteDatabase(_path))
            .AddSingleton<SqliteCallStore>()
            .AddSingleton<ICallOutbox>(sp => sp.GetRequiredService<SqliteCallStore>())
            .AddSingleton<ICallStore>(sp => sp.GetRequiredService<SqliteCallStore>())
            .AddSingleton<TimedPublisher>()
            .AddSingleton<PublishConfirmations>()
            .AddSingleton<CallLogWriter>()
            .AddScoped<CallEventPublisher>()
            .AddSingleton<IHostApplicationLifetime>(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance))
            .AddSingleton<OutboxRelay>();
        services.AddMassTransitTestHarness(x => x.UsingInMemory((context, cfg) =>
        {
            cfg.ConfigurePublish(p => p.UseExecute(publish =>
            {
                if (publish is PublishContext<CallReceived> received)
                {
                    if (_failing.ContainsKey(received.Message.CallLogId))
                    {
                        throw new InvalidOperationException($"injected publish failure for call log {received.Message.CallLogId}");
                    }
                    _published.AddOrUpdate(received.Message.CallLogId, 1, (_, n) => n + 1);
                }
            }));
            cfg.ConfigureEndpoints(context);
        }));
        _provider = services.BuildServiceProvider();
        _store = _provider.GetRequiredService<SqliteCallStore>();
        await _provider.GetRequiredService<ITestHarness>().Start();
    }

    public async Task DisposeAsync()
    {
        await _provider.GetRequiredService<ITestHarness>().Stop();
        await _provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private OutboxRelay Relay => _provider.GetRequiredService<OutboxRelay>();

    private Task<OutboxSweep> SweepAtAsync(DateTimeOffset now, OutboxRelay? relay = null)
    {
        relay ??= Relay;
        return relay.SweepAsync(relay.Due(now), now, Ct);
    }

    private async Task<List<long>> AddAsync(int count, DateTimeOffset changedAt, DateTimeOffset? publishedAt, string prefix = "call")
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await _store.InsertAsync(new CallLog
            {
                OrganizationId = 1, ProjectId = 1, CallId = $"{prefix}-{i}", AgentId = 1, Timestamp = changedAt, TranscriptType = "cekura",
                Stage = CallStage.Received, StageChangedAt = changedAt, OutboxPublishedAt = publishedAt,
                CreatedAt = changedAt, UpdatedAt = changedAt,
            }, Ct)).Id);
        }
        return ids;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await SqliteDatabase.ExecuteAsync(connection, sql, Ct);
    }

    [Fact]
    public async Task A_stalled_backlog_is_republished_once_per_interval_doubling_not_at_every_sweep()
    {
        // 500 calls published an hour ago whose next stage never ran: all older than RepublishAfterSeconds.
        var ids = await AddAsync(500, T0.AddHours(-1), T0.AddHours(-1));

        Assert.Equal(new OutboxSweep(500, 500), await SweepAtAsync(T0));
        Assert.Equal(new OutboxSweep(0, 0), await SweepAtAsync(T0.AddSeconds(5)));
        Assert.Equal(new OutboxSweep(0, 0), await SweepAtAsync(T0.AddSeconds(299)));
        Assert.All(ids, id => Assert.Equal(1, _published[id]));

        Assert.Equal(new OutboxSweep(500, 500), await SweepAtAsync(T0.AddSeconds(300)));
        Assert.All(ids, id => Assert.Equal(2, _published[id]));

        // The second republish waits twice as long.
        Assert.Equal(new OutboxSweep(0, 0), await SweepAtAsync(T0.AddSeconds(300 + 599)));
        Assert.Equal(new OutboxSweep(500, 500), await SweepAtAsync(T0.AddSeconds(300 + 600)));
        Assert.All(ids, id => Assert.Equal(3, _published[id]));
    }

    [Fact]
    public async Task Catch_up_after_a_restart_is_not_limited_to_one_batch_but_is_bounded_per_sweep()
    {
        var ids = await AddAsync(450, T0.AddMinutes(-1), publishedAt: null);

        Assert.Equal(new OutboxSweep(450, 450), await SweepAtAsync(T0));
        Assert.Equal(ids.Order(), _published.Keys.Order());
        Assert.Equal(new OutboxSweep(0, 0), await SweepAtAsync(T0.AddSeconds(1)));
        // Confirmed at the sweep's time.
        foreach (var id in ids)
        {
            Assert.Equal(T0, (await _store.GetForWorkerAsync(id, Ct))!.OutboxPublishedAt);
        }

        var more = await AddAsync(450, T0, publishedAt: null, prefix: "more");
        _options.MaxPerSweep = 300;
        Assert.Equal(new OutboxSweep(300, 300), await SweepAtAsync(T0.AddMinutes(1)));
        Assert.Equal(new OutboxSweep(150, 150), await SweepAtAsync(T0.AddMinutes(1).AddSeconds(1)));
        Assert.All(more, id => Assert.Equal(1, _published[id]));
    }

    [Fact]
    public async Task Bad_rows_do_not_stop_the_sweep_and_back_off_on_their_own()
    {
        var good = await AddAsync(10, T0.AddMinutes(-1), publishedAt: null);
        var throwing = (await AddAsync(1, T0.AddMinutes(-1), null, "throws"))[0];
        var unknownStage = (await AddAsync(1, T0.AddMinutes(-1), null, "unknown-stage"))[0];
        var undeserializable = (await AddAsync(1, T0.AddMinutes(-1), null, "undeserializable"))[0];
        _failing[throwing] = true;
        await ExecuteAsync($"UPDATE calls SET stage = 'translated' WHERE id = {unknownStage}");
        await ExecuteAsync($"UPDATE calls SET doc = '{{\"stage\": 42}}' WHERE id = {undeserializable}");

        var sweep = await SweepAtAsync(T0);

        Assert.Equal(new OutboxSweep(13, 11), sweep);
        Assert.Equal(good.Append(undeserializable).Order(), _published.Keys.Order());
        // The failures are retried after their own back-off, not at every sweep; the good ones are done.
        Assert.Equal(new OutboxSweep(0, 0), await SweepAtAsync(T0.AddSeconds(5)));
        _failing.Clear();
        var retry = await SweepAtAsync(T0.AddSeconds(10));
        Assert.Equal(new OutboxSweep(2, 1), retry);
        Assert.Equal(1, _published[throwing]);
        // The next failure of the unknown stage waits twice as long.
        Assert.Equal(new OutboxSweep(0, 0), await SweepAtAsync(T0.AddSeconds(10 + 19)));
        Assert.Equal(new OutboxSweep(1, 0), await SweepAtAsync(T0.AddSeconds(10 + 20)));
    }

    [Fact]
    public async Task Two_relays_over_one_store_publish_each_owed_event_once()
    {
        var ids = await AddAsync(300, T0.AddMinutes(-1), publishedAt: null);
        _options.BatchSize = 20;
        var secondStore = new SqliteCallStore(new SqliteDatabase(_path));
        var second = new OutboxRelay(
            secondStore, secondStore, _provider.GetRequiredService<IServiceScopeFactory>(), _provider.GetRequiredService<IBus>(), _provider.GetRequiredService<TimedPublisher>(),
            TimeProvider.System, Microsoft.Extensions.Options.Options.Create(_options), Microsoft.Extensions.Options.Options.Create(new BusOptions()),
            _provider.GetRequiredService<IHostApplicationLifetime>(), NullLogger<OutboxRelay>.Instance);

        var sweeps = await Task.WhenAll(Task.Run(() => SweepAtAsync(T0)), Task.Run(() => SweepAtAsync(T0, second)));

        Assert.Equal(300, sweeps.Sum(s => s.Published));
        Assert.Equal(ids.Order(), _published.Keys.Order());
        Assert.All(ids, id => Assert.Equal(1, _published[id]));
    }

    [Fact]
    public async Task A_due_redelivery_is_sent_again_and_cleared_only_once_the_bus_confirms_it()
    {
        var id = (await AddAsync(1, T0, T0))[0];
        var writer = _provider.GetRequiredService<CallLogWriter>();
        Assert.Equal(RedeliveryDecision.Scheduled, await writer.ScheduleRedeliveryAsync(id, 10, _ => TimeSpan.Zero, Ct));
        var later = DateTimeOffset.UtcNow.AddSeconds(1);

        _failing[id] = true;
        Assert.Equal(1, await Relay.RedriveDueAsync(later, Ct));
        Assert.NotNull((await _store.GetForWorkerAsync(id, Ct))!.RedeliverAt);

        _failing.TryRemove(id, out _);
        Assert.Equal(1, await Relay.RedriveDueAsync(later, Ct));
        Assert.Null((await _store.GetForWorkerAsync(id, Ct))!.RedeliverAt);
        Assert.Equal(1, _published[id]);
        Assert.Equal(0, await Relay.RedriveDueAsync(later, Ct));
    }
}
