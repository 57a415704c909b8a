using System.Diagnostics;
using System.Net;
using Cekura.EndToEnd.Tests.Support;
using Cekura.TestSupport;
using Xunit.Abstractions;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// Send Calls while the broker is hung (SIGSTOP) or stopped, against a RabbitMQ node of this class's own: the call is
/// stored and answered <c>201</c> at once, and processed to the end once the broker is back. The deadline on each POST
/// is the client's timeout, far below the 40 s and more that a publish waiting on a hung broker used to take.
/// </summary>
public sealed class BrokerOutageTests(PrivateRabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<PrivateRabbitMqFixture>
{
    private static readonly TimeSpan PostDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(120);

    private EmbeddedHost Host() => new(new Dictionary<string, string?>
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Host"] = rabbit.Host,
        ["Bus:RabbitMq:Port"] = rabbit.Port.ToString(),
        ["Bus:RabbitMq:Username"] = rabbit.Username,
        ["Bus:RabbitMq:Password"] = rabbit.Password,
        ["Outbox:PublishTimeoutMs"] = "1000",
    });

    private static HttpClient Client(EmbeddedHost host)
    {
        var client = host.CreateAuthorizedClient();
        client.Timeout = PostDeadline;
        return client;
    }

    /// <summary>
    /// Posts calls one after another; each must be answered 201 before the client's timeout. The time each took is
    /// printed for the record, not asserted (a loaded CI box sets no reliable bound).
    /// </summary>
    private async Task<List<long>> PostAsync(HttpClient client, string prefix, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await Calls.PostCallAsync(client, Calls.Body($"{prefix}-{i}"));
            output.WriteLine($"POST {prefix}-{i}: {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var created = await response.ReadJsonAsync();
            Assert.Equal("received", created.GetProperty("processing_stage").GetString());
            ids.Add(created.GetProperty("id").GetInt64());
        }
        return ids;
    }

    private static async Task AllEvaluatedAsync(HttpClient client, IEnumerable<long> ids)
    {
        foreach (var id in ids)
        {
            var done = await Calls.WaitForStageAsync(client, id, "evaluated", Recovery);
            Assert.Equal("evaluated", done.GetProperty("processing_stage").GetString());
        }
    }

    [SkippableFact]
    public async Task Send_Calls_answers_201_while_the_broker_is_hung_and_the_calls_finish_after_it_resumes()
    {
        rabbit.SkipIfUnavailable();
        await using var host = Host();
        using var client = Client(host);
        using var reader = host.CreateAuthorizedClient();
        reader.Timeout = Recovery;
        await AllEvaluatedAsync(reader, await PostAsync(client, "before-pause", 1));

        List<long> ids;
        rabbit.Pause();
        try
        {
            ids = await PostAsync(client, "paused", 3);
            // Stored while the broker is frozen: readable, waiting at the start of the chain.
            foreach (var id in ids)
            {
                var detail = await (await client.GetAsync($"/observability/v2/call-logs/{id}/")).ReadJsonAsync();
                Assert.Equal("received", detail.GetProperty("processing_stage").GetString());
            }
        }
        finally
        {
            rabbit.Resume();
        }

        await AllEvaluatedAsync(reader, ids);
    }

    [SkippableFact]
    public async Task Send_Calls_answers_201_while_the_broker_is_stopped_and_the_calls_finish_after_it_restarts()
    {
        rabbit.SkipIfUnavailable();
        await using var host = Host();
        using var client = Client(host);
        using var reader = host.CreateAuthorizedClient();
        reader.Timeout = Recovery;
        await AllEvaluatedAsync(reader, await PostAsync(client, "before-stop", 1));

        await rabbit.StopAsync();
        List<long> ids;
        try
        {
            ids = await PostAsync(client, "stopped", 3);
        }
        finally
        {
            await rabbit.StartAsync();
        }

        await AllEvaluatedAsync(reader, ids);
    }
}
