using System.Net.Http.Json;
using Cekura.EndToEnd.Tests.Support;
using Cekura.Hosting.Tests.Webhooks;
using Cekura.TestSupport;
using Microsoft.Data.Sqlite;

namespace Cekura.EndToEnd.Tests.Faults;

/// <summary>
/// A distributed deployment the fault tests may break: a private RabbitMQ node, ingest replicas (the all-in-one host
/// with targets <c>gateway,ingest</c>) and one worker process running the three stages and the webhook dispatcher,
/// all as OS processes sharing one SQLite file; an agent whose completion webhook goes to a local receiver.
/// </summary>
public sealed class FaultDeployment : IAsyncLifetime
{
    public const string ApiKey = "ck_live_faultTestKey00000000000000000000001";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cekura-faults-" + Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly ServiceProcess?[] _ingest = new ServiceProcess?[2];
    private readonly List<ServiceProcess> _others = [];
    private bool _started;

    public PrivateRabbitMqFixture Broker { get; } = new();
    public WebhookReceiver Webhooks { get; private set; } = null!;
    public ServiceProcess Worker { get; private set; } = null!;
    public long AgentId { get; private set; }

    /// <summary>The ingest replicas that are up now (a load generator spreads its calls over them).</summary>
    public IReadOnlyList<ServiceProcess> LiveIngest => _ingest.Where(p => p is not null).Select(p => p!).ToList();

    public string SqlitePath => Path.Combine(_dataDirectory, "cekura.db");

    public async Task InitializeAsync()
    {
        await Broker.InitializeAsync();
        Webhooks = await WebhookReceiver.StartAsync(WebhookReceiver.Status(200));
    }

    /// <summary>Starts ingest replica 0 and the worker once, then creates the agent with the webhook.</summary>
    public async Task EnsureStartedAsync()
    {
        await _startLock.WaitAsync();
        try
        {
            if (_started)
            {
                return;
            }
            await StartIngestAsync(0);
            await StartWorkerAsync();
            using var client = Client(_ingest[0]!);
            var agent = await client.PostAsJsonAsync("/test_framework/v1/aiagents/", new
            {
                agent_name = "Fault bot",
                webhook_url = Webhooks.BaseUrl + "/completed",
            });
            var body = await agent.ReadJsonAsync();
            Assert.True(agent.IsSuccessStatusCode, body.ToString());
            AgentId = body.GetProperty("id").GetInt64();
            _started = true;
        }
        finally
        {
            _startLock.Release();
        }
    }

    public async Task StartIngestAsync(int replica)
    {
        Assert.Null(_ingest[replica]);
        var process = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", Environment("gateway,ingest"));
        await process.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        _ingest[replica] = process;
    }

    /// <summary><c>kill -9</c> of an ingest replica: requests in flight get no answer.</summary>
    public async Task KillIngestAsync(int replica)
    {
        var process = _ingest[replica]!;
        _ingest[replica] = null;
        await process.DisposeAsync();
    }

    /// <summary>Starts the worker; <paramref name="settings"/> are added to (or override) its environment.</summary>
    public async Task StartWorkerAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        Worker = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", Environment("transcription,redaction,evaluation", settings));
        await Worker.WaitHealthyAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>
    /// Another process of this deployment running <paramref name="targets"/>, with settings of its own on top of the
    /// shared ones (e.g. one worker of a stage among several); stopped with the deployment.
    /// </summary>
    public async Task<ServiceProcess> StartProcessAsync(string targets, IReadOnlyDictionary<string, string> settings)
    {
        var process = ServiceProcess.Start("all-in-one", "Cekura.AllInOne", Environment(targets, settings));
        _others.Add(process);
        await process.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        return process;
    }

    /// <summary><c>kill -9</c> of the worker, whatever it is doing, and a fresh one in its place.</summary>
    public async Task KillAndRestartWorkerAsync()
    {
        await Worker.DisposeAsync();
        await StartWorkerAsync();
    }

    /// <summary>A client of <paramref name="ingest"/> with the key; <paramref name="timeout"/> per request (60 s by default).</summary>
    public static HttpClient Client(ServiceProcess ingest, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = ingest.BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-CEKURA-API-KEY", ApiKey);
        return client;
    }

    /// <summary>Every stored call whose <c>call_id</c> starts with <paramref name="prefix"/>, read from the shared SQLite file.</summary>
    public async Task<IReadOnlyList<StoredCall>> CallsAsync(string prefix)
    {
        await using var connection = new SqliteConnection($"Data Source={SqlitePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, call_id, stage, coalesce(json_extract(doc, '$.evaluation_count'), 0),
                   (SELECT count(*) - count(DISTINCT json_extract(m.value, '$.id')) FROM json_each(doc, '$.metrics') AS m),
                   json_extract(doc, '$.error_message')
            FROM calls WHERE call_id LIKE $prefix || '%'
            """;
        command.Parameters.AddWithValue("$prefix", prefix);
        var calls = new List<StoredCall>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            calls.Add(new StoredCall(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return calls;
    }

    /// <summary>The shared settings of a process running <paramref name="targets"/>, with <paramref name="settings"/> added or overriding.</summary>
    private Dictionary<string, string> Environment(string targets, IReadOnlyDictionary<string, string>? settings)
    {
        var environment = Environment(targets);
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        return environment;
    }

    private Dictionary<string, string> Environment(string targets) => new()
    {
        ["Cekura__Targets"] = targets,
        ["Bus__Transport"] = "RabbitMq",
        ["Bus__RabbitMq__Host"] = Broker.Host,
        ["Bus__RabbitMq__Port"] = Broker.Port.ToString(),
        ["Bus__Retry__Limit"] = "3",
        ["Bus__Retry__MinIntervalMs"] = "100",
        ["Bus__Retry__MaxIntervalMs"] = "500",
        // Outages here last seconds: redeliver every 0.5–2 s, long enough for a broker restart on a loaded machine.
        ["Bus__Redelivery__Limit"] = "60",
        ["Bus__Redelivery__MinIntervalSeconds"] = "0.5",
        ["Bus__Redelivery__MaxIntervalSeconds"] = "2",
        ["Storage__DataDirectory"] = _dataDirectory,
        ["Storage__CallStore"] = "Sqlite",
        ["Outbox__SweepIntervalSeconds"] = "0.5",
        ["Outbox__UnpublishedGraceSeconds"] = "2",
        ["Gateway__BootstrapKey"] = ApiKey,
        ["Gateway__InternalSecret"] = "internal-fault-tests-" + new string('x', 32),
        ["Webhooks__AllowedPrivateHosts__0"] = "127.0.0.1",
        ["Webhooks__PollIntervalSeconds"] = "0.2",
        ["Webhooks__BackoffBaseSeconds"] = "0.2",
        ["Webhooks__BackoffCapSeconds"] = "1",
    };

    public async Task DisposeAsync()
    {
        foreach (var process in _ingest.Append(Worker).Concat(_others))
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync();
        }
        await Broker.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

/// <summary>A stored call as the fault tests judge it; <paramref name="DuplicateMetrics"/> counts metric ids recorded twice.</summary>
public sealed record StoredCall(long Id, string CallId, string Stage, int EvaluationCount, int DuplicateMetrics, string? ErrorMessage);
