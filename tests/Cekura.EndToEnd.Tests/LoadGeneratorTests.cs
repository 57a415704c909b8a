using System.Net;
using Cekura.EndToEnd.Tests.Support;
using Cekura.LoadGenerator;
using Cekura.LoadGenerator.Running;

namespace Cekura.EndToEnd.Tests;

/// <summary>
/// The load generator against the embedded host, briefly: it counts what it sent, what was accepted and what the chain
/// finished. Speed is not asserted here (scripts/load.sh measures it); only that the counts add up.
/// </summary>
public sealed class LoadGeneratorTests
{
    private static EmbeddedHost Host(bool noOp = true) => new(new Dictionary<string, string?>
    {
        ["Gateway:NoOpEndpoint"] = noOp ? "true" : "false",
        ["Gateway:RateLimit:PerMinute"] = "1000000",
        ["Gateway:RateLimit:Burst"] = "100000",
    });

    [Fact]
    public async Task A_short_open_loop_run_reports_every_call_accepted_and_evaluated_and_the_no_op_ceiling()
    {
        await using var host = Host();
        using var http = host.CreateAuthorizedClient();
        var options = new LoadOptions
        {
            Key = EmbeddedHost.ApiKey,
            Plan = LoadPlan.Rate,
            Rate = 6,
            Duration = 2,
            Recordings = 0.25,
            MinTurns = 20,
            MaxTurns = 60,
            PollInterval = 0.2,
            DrainTimeout = 120,
            StallSeconds = 60,
            Warmup = 0,
        };
        var run = new LoadRun(options, http, TextWriter.Null);

        var report = await run.RunAsync(CancellationToken.None);

        var noOp = Assert.Single(run.Phases, p => p.NoOp);
        var ingest = Assert.Single(run.Phases, p => !p.NoOp);
        Assert.Equal(12, noOp.Sent);
        Assert.Equal(12, noOp.Accepted);
        Assert.Equal(12, ingest.Sent);
        Assert.True(ingest.Accepted == 12, string.Join(", ", ingest.Outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.Equal(3, ingest.Calls.Count(c => c.HasRecording));
        Assert.Equal(12, ingest.Latency.Count);
        var chain = run.Chains[ingest];
        Assert.Equal(12, chain.Evaluated);
        Assert.Equal(12, chain.CompletionSeconds().Count);
        Assert.Equal(0, chain.TranscriptOnlyBacklog(DateTimeOffset.UtcNow));
        Assert.Contains("| no-op | rate 6/s |", report);
        Assert.Contains("| ingest | rate 6/s |", report);

        // What the report counted is what the API holds.
        var list = await (await http.GetAsync($"/observability/v2/call-logs/?page_size=1&search={run.RunId}")).ReadJsonAsync();
        Assert.Equal(12, list.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task The_no_op_endpoint_checks_the_key_reads_the_body_and_stores_nothing()
    {
        await using var host = Host();
        using var keyed = host.CreateAuthorizedClient();
        var body = new string('x', 50_000);
        var accepted = await keyed.PostAsync(Sender.NoOpPath, new StringContent(body));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(50_000, (await accepted.ReadJsonAsync()).GetProperty("bytes").GetInt64());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().PostAsync(Sender.NoOpPath, new StringContent(body))).StatusCode);
        var list = await (await keyed.GetAsync("/observability/v2/call-logs/?page_size=1")).ReadJsonAsync();
        Assert.Equal(0, list.GetProperty("count").GetInt64());

        await using var plain = Host(noOp: false);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.CreateAuthorizedClient().PostAsync(Sender.NoOpPath, new StringContent("{}"))).StatusCode);
    }
}
