using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests;

/// <summary>The calls a voice agent's late spans belong to: found by the project and the call's <c>trace_id</c>.</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task Calls_are_listed_by_trace_id_within_their_project_only()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var first = await Calls.InsertAsync(MinimalCall() with { CallId = "t-1", TraceId = traceId }, Ct);
        var second = await Calls.InsertAsync(MinimalCall() with { CallId = "t-2", TraceId = traceId }, Ct);
        await Calls.InsertAsync(MinimalCall() with { CallId = "t-3", TraceId = "0af7651916cd43dd8448eb211c80319c" }, Ct);
        await Calls.InsertAsync(MinimalCall() with { CallId = "t-4", TraceId = null }, Ct);
        await Calls.InsertAsync(MinimalCall() with { CallId = "t-5", ProjectId = first.ProjectId + 1, TraceId = traceId }, Ct);

        Assert.Equal([first.Id, second.Id], (await Calls.ListByTraceIdAsync(first.ProjectId, traceId, 10, Ct)).Select(c => c.Id));
        Assert.Equal([first.Id], (await Calls.ListByTraceIdAsync(first.ProjectId, traceId, 1, Ct)).Select(c => c.Id));
        Assert.Empty(await Calls.ListByTraceIdAsync(first.ProjectId + 2, traceId, 10, Ct));
    }
}
