using Testcontainers.RabbitMq;

namespace Cekura.TestSupport;

/// <summary>A RabbitMQ broker: Testcontainers, else <c>CEKURA_TEST_RABBITMQ_HOST</c>/<c>_PORT</c> (guest/guest).</summary>
public sealed class RabbitMqFixture : ServerFixture
{
    public const string Collection = "RabbitMQ";

    protected override string Name => "rabbitmq";

    private RabbitMqContainer? _container;

    public string Host { get; private set; } = "";
    public int Port { get; private set; }
    public string Username { get; private set; } = "guest";
    public string Password { get; private set; } = "guest";

    public override async Task InitializeAsync()
    {
        string? dockerError = null;
        if (DockerAvailable)
        {
            try
            {
                _container = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
                await _container.StartAsync();
                var uri = new Uri(_container.GetConnectionString());
                var userInfo = uri.UserInfo.Split(':', 2);
                (Host, Port) = (uri.Host, uri.Port);
                (Username, Password) = (Uri.UnescapeDataString(userInfo[0]), Uri.UnescapeDataString(userInfo[1]));
                return;
            }
            catch (Exception e)
            {
                dockerError = $" (Testcontainers failed: {e.GetType().Name}: {e.Message})";
                await DisposeAsync();
            }
        }

        if (Environment("CEKURA_TEST_RABBITMQ_HOST") is { } host && int.TryParse(Environment("CEKURA_TEST_RABBITMQ_PORT"), out var port))
        {
            if (await CanConnectAsync(host, port))
            {
                (Host, Port) = (host, port);
                return;
            }
            SkipReason = $"RabbitMQ unavailable: needs the broker at {host}:{port} (CEKURA_TEST_RABBITMQ_HOST/PORT) but it refused the connection{dockerError}";
            return;
        }
        SkipReason = "RabbitMQ unavailable: needs Docker for Testcontainers or CEKURA_TEST_RABBITMQ_HOST/CEKURA_TEST_RABBITMQ_PORT "
            + $"(scripts/test.sh starts a local broker){dockerError}";
    }

    public override async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
            _container = null;
        }
    }
}
