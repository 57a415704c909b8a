using Cekura.Contracts.Messages;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Options;
using Cekura.Hosting.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Tests.Calls;

/// <summary>
/// A broker that never answers, played by MassTransit's in-memory bus with a publish filter that waits until the test
/// lets it go: publishes give up after the timeout, and the ones nobody waits for any more still hold their slots.
/// </summary>
public sealed class TimedPublisherTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _brokerAnswers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServiceProvider _provider = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddMassTransitTestHarness(x => x.UsingInMemory((context, cfg) =>
        {
            cfg.ConfigurePublish(p => p.UseExecuteAsync(_ => _brokerAnswers.Task));
            cfg.ConfigureEndpoints(context);
        }));
        _provider = services.BuildServiceProvider();
        await _provider.GetRequiredService<ITestHarness>().Start();
    }

    public async Task DisposeAsync()
    {
        _brokerAnswers.TrySetResult();
        await _provider.GetRequiredService<ITestHarness>().Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_hung_broker_holds_at_most_the_in_flight_limit_and_each_publish_gives_up_after_its_timeout()
    {
        var publisher = new TimedPublisher(
            Microsoft.Extensions.Options.Options.Create(new OutboxOptions { PublishTimeoutMs = 200, MaxPublishesInFlight = 2 }), NullLogger<TimedPublisher>.Instance);
        var bus = _provider.GetRequiredService<IBus>();
        static CallReceived Message(long id) => new() { CallLogId = id, ProjectId = 1 };

        var first = await Task.WhenAll(publisher.TryPublishAsync(bus, Message(1), 1, default), publisher.TryPublishAsync(bus, Message(2), 2, default));

        Assert.Equal([false, false], first);
        Assert.Equal(2, publisher.InFlight);
        // Every slot is still held by an unanswered publish: the next one is refused at once instead of piling up.
        Assert.False(await publisher.TryPublishAsync(bus, Message(3), 3, default));
        Assert.False(await publisher.WaitForSlotAsync(TimeSpan.Zero, default));

        _brokerAnswers.SetResult();
        await Eventually.UntilAsync(() => publisher.InFlight == 0, "the abandoned publishes to end and free their slots");
        Assert.True(await publisher.TryPublishAsync(bus, Message(4), 4, default));
    }
}
