using System.Text.Json;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Tests.Support;
using Cekura.Hosting.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Tests.Webhooks;

/// <summary>The composition a host uses: storage from configuration, then <c>AddCompletionWebhooks()</c>.</summary>
public sealed class WebhookRegistrationTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"cekura-webhook-host-{Guid.NewGuid():N}");
    private IHost? _host;
    private bool _started;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_started)
        {
            await _host!.StopAsync();
        }
        _host?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Storage:DataDirectory"] = _dataDirectory });
        builder.AddCekuraStorage();
        builder.AddCompletionWebhooks();
        builder.AddCompletionWebhooks();
        _host = builder.Build();
        return _host;
    }

    [Fact]
    public async Task A_host_enqueues_through_CompletionWebhooks_and_its_single_dispatcher_delivers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var host = Build(new()
        {
            ["Webhooks:PollIntervalSeconds"] = "0.05",
            ["Webhooks:AllowedPrivateHosts:0"] = "127.0.0.1",
        });
        await host.StartAsync();
        _started = true;

        var enqueued = await host.Services.GetRequiredService<CompletionWebhooks>().EnqueueAsync(new CompletedCallWebhook
        {
            ProjectId = 3, CallLogId = 7, EvaluationNumber = 1, Url = $"{receiver.BaseUrl}/hook", Secret = "s",
            Data = JsonDocument.Parse("""{"id": 7}""").RootElement,
        }, CancellationToken.None);

        var outbox = host.Services.GetRequiredService<IWebhookOutbox>();
        await Eventually.UntilAsync(async () => (await outbox.GetAsync(3, enqueued.Delivery.Id, CancellationToken.None))!.Status,
            status => status == WebhookDeliveryStatus.Delivered, "the delivery to be delivered");
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<WebhookDispatcher>());
        Assert.Equal("7:1", Assert.Single(receiver.Requests).Header("X-CEKURA-DELIVERY-ID"));
    }

    [Theory]
    [InlineData("Webhooks:LeaseSeconds", "5", "Webhooks:LeaseSeconds (5) must be at least twice TimeoutSeconds (10).")]
    [InlineData("Webhooks:AllowedPrivateHosts:0", "not a host", "AllowedPrivateHosts entry 'not a host' is not a host name")]
    [InlineData("Webhooks:MaxAttempts", "0", "MaxAttempts")]
    public async Task Invalid_settings_stop_the_host_at_start(string key, string value, string message)
    {
        var host = Build(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message);
    }
}
