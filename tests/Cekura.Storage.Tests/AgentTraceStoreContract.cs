using Cekura.Contracts.Traces;
using Cekura.Hosting.Options;
using Cekura.Hosting.Storage;

namespace Cekura.Storage.Tests;

/// <summary>
/// What every store of a voice agent's spans must do. One subclass per store; each test starts from an empty store
/// opened with <see cref="Limits"/>.
/// </summary>
public abstract class AgentTraceStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Small caps, so a test reaches them with a handful of spans.</summary>
    protected static readonly AgentTraceLimits Limits = new(MaxSpansPerTrace: 3, MaxAttributesPerSpan: 4, MaxAttributeValueLength: 16);

    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    protected IAgentTraceStore Store { get; private set; } = null!;

    protected abstract Task<IAgentTraceStore> OpenStoreAsync(AgentTraceLimits limits);

    protected abstract Task CloseStoreAsync();

    public async Task InitializeAsync() => Store = await OpenStoreAsync(Limits);

    public Task DisposeAsync() => CloseStoreAsync();

    private static AgentSpan Span(string spanId, string? parent = null, string name = "llm", double startMs = 0, double endMs = 100,
        IReadOnlyDictionary<string, object?>? attributes = null, string traceId = TraceId) => new(
        traceId, spanId, parent, name, "agent", T0.AddMilliseconds(startMs), T0.AddMilliseconds(endMs),
        attributes ?? new Dictionary<string, object?>(), AgentSpan.StatusUnset);

    [SkippableFact]
    public async Task Spans_round_trip_with_their_attribute_types_ordered_by_start()
    {
        var attributes = new Dictionary<string, object?>
        {
            ["gen_ai.usage.input_tokens"] = 120L, ["ratio"] = 3.0, ["ok"] = true, ["list"] = new List<object?> { "a", 2L, 1.5 },
        };
        var later = Span("00000000000000b2", parent: "00000000000000a1", startMs: 250.5, endMs: 900.25, attributes: attributes)
            with { StatusCode = AgentSpan.StatusError, StatusMessage = "timeout" };
        var root = Span("00000000000000a1", name: "conversation", startMs: 0, endMs: 1000) with { Service = null };

        Assert.Equal(0, await Store.AppendAsync(1, [later, root], Ct));
        var trace = await Store.GetAsync(1, TraceId, Ct);

        Assert.NotNull(trace);
        Assert.Equal(["00000000000000a1", "00000000000000b2"], trace.Spans.Select(s => s.SpanId));
        var stored = trace.Spans[1];
        Assert.Equal(later with { Attributes = stored.Attributes }, stored);
        Assert.Equal(120L, Assert.IsType<long>(stored.Attributes["gen_ai.usage.input_tokens"]));
        Assert.Equal(3.0, Assert.IsType<double>(stored.Attributes["ratio"]));
        Assert.True(Assert.IsType<bool>(stored.Attributes["ok"]));
        Assert.Equal(new object?[] { "a", 2L, 1.5 }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(stored.Attributes["list"]));
        Assert.Null(trace.Spans[0].Service);
        Assert.Null(trace.Spans[0].ParentSpanId);
        Assert.Equal(TimeSpan.FromMilliseconds(649.75), stored.Duration);
        Assert.Equal((0, 0), (trace.DroppedSpans, trace.DroppedAttributes));
    }

    [SkippableFact]
    public async Task Exporting_a_span_again_replaces_it()
    {
        await Store.AppendAsync(1, [Span("00000000000000a1", endMs: 100)], Ct);
        await Store.AppendAsync(1, [Span("00000000000000a1", endMs: 300), Span("00000000000000a2")], Ct);
        await Store.AppendAsync(1, [Span("00000000000000a1", endMs: 300), Span("00000000000000a2")], Ct);

        var trace = await Store.GetAsync(1, TraceId, Ct);

        Assert.Equal(2, trace!.Spans.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(300), trace.Spans.Single(s => s.SpanId == "00000000000000a1").Duration);
    }

    [SkippableFact]
    public async Task A_projects_trace_is_invisible_to_another_project_with_the_same_trace_id()
    {
        await Store.AppendAsync(1, [Span("00000000000000a1", name: "mine")], Ct);
        await Store.AppendAsync(2, [Span("00000000000000a1", name: "theirs"), Span("00000000000000a2", name: "theirs")], Ct);

        Assert.Equal(["mine"], (await Store.GetAsync(1, TraceId, Ct))!.Spans.Select(s => s.Name));
        Assert.Equal(2, (await Store.GetAsync(2, TraceId, Ct))!.Spans.Count);
        Assert.Null(await Store.GetAsync(3, TraceId, Ct));
        Assert.Null(await Store.GetAsync(1, "0af7651916cd43dd8448eb211c80319c", Ct));
    }

    [SkippableFact]
    public async Task Spans_over_the_per_trace_cap_are_dropped_and_counted_but_known_spans_still_update()
    {
        var dropped = await Store.AppendAsync(1, [Span("00000000000000a1"), Span("00000000000000a2"), Span("00000000000000a3"), Span("00000000000000a4")], Ct);
        var again = await Store.AppendAsync(1, [Span("00000000000000a5"), Span("00000000000000a1", endMs: 500)], Ct);
        await Store.AppendAsync(1, [Span("00000000000000a1", traceId: "0af7651916cd43dd8448eb211c80319c")], Ct);

        var trace = await Store.GetAsync(1, TraceId, Ct);

        Assert.Equal((1, 1), (dropped, again));
        Assert.Equal(["00000000000000a1", "00000000000000a2", "00000000000000a3"], trace!.Spans.Select(s => s.SpanId).Order());
        Assert.Equal(TimeSpan.FromMilliseconds(500), trace.Spans.Single(s => s.SpanId == "00000000000000a1").Duration);
        Assert.Equal(2, trace.DroppedSpans);
        Assert.Single((await Store.GetAsync(1, "0af7651916cd43dd8448eb211c80319c", Ct))!.Spans);
    }

    [SkippableFact]
    public async Task Attributes_over_the_caps_are_dropped_and_long_values_cut()
    {
        var attributes = Enumerable.Range(1, 6).ToDictionary(i => $"k{i}", i => (object?)(i == 1 ? new string('x', 40) : i));
        attributes["k2"] = new List<object?> { new string('y', 20), "short" };

        await Store.AppendAsync(1, [Span("00000000000000a1", attributes: attributes)], Ct);
        // The same span again: its drop count is replaced with it, not added to.
        await Store.AppendAsync(1, [Span("00000000000000a1", attributes: attributes)], Ct);
        var trace = await Store.GetAsync(1, TraceId, Ct);

        var stored = trace!.Spans.Single().Attributes;
        Assert.Equal(["k1", "k2", "k3", "k4"], stored.Keys.Order());
        Assert.Equal(new string('x', 16), stored["k1"]);
        Assert.Equal(new object?[] { new string('y', 16), "short" }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(stored["k2"]));
        Assert.Equal(2, trace.DroppedAttributes);
    }

    [SkippableFact]
    public async Task Retention_deletes_spans_received_before_the_cutoff()
    {
        await Store.AppendAsync(1, [Span("00000000000000a1"), Span("00000000000000a2")], Ct);

        Assert.Equal(0, await Store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(-5), Ct));
        Assert.NotNull(await Store.GetAsync(1, TraceId, Ct));
        Assert.Equal(2, await Store.DeleteOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(5), Ct));
        Assert.Null(await Store.GetAsync(1, TraceId, Ct));
    }

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [SkippableFact]
    public async Task A_trace_is_claimed_once_quiet_then_not_again_within_its_lease_and_never_after_it_is_settled()
    {
        var before = DateTimeOffset.UtcNow;
        await Store.AppendAsync(1, [Span("00000000000000a1")], Ct);
        var now = DateTimeOffset.UtcNow;

        Assert.Empty(await Store.ClaimQuietAsync(now.AddMinutes(-1), now, Lease, 10, Ct)); // not quiet yet
        var later = now.AddSeconds(10);
        var claimed = Assert.Single(await Store.ClaimQuietAsync(later, later, Lease, 10, Ct));
        Assert.Equal((1L, TraceId), (claimed.ProjectId, claimed.TraceId));
        Assert.InRange(claimed.LastSpanAt, before.AddMilliseconds(-1), now);
        Assert.Empty(await Store.ClaimQuietAsync(later.AddSeconds(30), later.AddSeconds(30), Lease, 10, Ct)); // leased

        // Its claimant died: the lease ends and the trace is claimed again.
        var again = Assert.Single(await Store.ClaimQuietAsync(later + Lease, later + Lease, Lease, 10, Ct));
        Assert.Equal(claimed, again);
        await Store.SettleAsync([again], Ct);
        Assert.Empty(await Store.ClaimQuietAsync(later.AddHours(1), later.AddHours(1), Lease, 10, Ct));

        // A later export makes it owed again.
        await Store.AppendAsync(1, [Span("00000000000000a2")], Ct);
        var next = Assert.Single(await Store.ClaimQuietAsync(later.AddHours(1), later.AddHours(1), Lease, 10, Ct));
        Assert.True(next.LastSpanAt >= claimed.LastSpanAt);
    }

    [SkippableFact]
    public async Task Spans_stored_while_a_trace_is_claimed_keep_it_owed_after_the_settle()
    {
        await Store.AppendAsync(1, [Span("00000000000000a1")], Ct);
        var at = DateTimeOffset.UtcNow.AddSeconds(10);
        var claimed = Assert.Single(await Store.ClaimQuietAsync(at, at, Lease, 10, Ct));
        // The next export must fall in a later millisecond than the claimed one.
        SpinWait.SpinUntil(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > claimed.LastSpanAt.ToUnixTimeMilliseconds(), 1000);
        await Store.AppendAsync(1, [Span("00000000000000a2")], Ct);

        await Store.SettleAsync([claimed], Ct);

        var owed = Assert.Single(await Store.ClaimQuietAsync(at, at, Lease, 10, Ct)); // the claim was released
        Assert.True(owed.LastSpanAt > claimed.LastSpanAt);
    }

    [SkippableFact]
    public async Task Quiet_traces_are_claimed_per_project_at_most_max_at_a_time()
    {
        const string other = "0af7651916cd43dd8448eb211c80319c";
        await Store.AppendAsync(1, [Span("00000000000000a1")], Ct);
        await Store.AppendAsync(2, [Span("00000000000000a1")], Ct);
        await Store.AppendAsync(1, [Span("00000000000000a1", traceId: other)], Ct);
        var at = DateTimeOffset.UtcNow.AddSeconds(10);

        var first = await Store.ClaimQuietAsync(at, at, Lease, 2, Ct);
        var second = await Store.ClaimQuietAsync(at, at, Lease, 2, Ct);

        Assert.Equal(2, first.Count);
        Assert.Single(second);
        Assert.Equal(
            [(1L, other), (1L, TraceId), (2L, TraceId)],
            first.Concat(second).Select(t => (t.ProjectId, t.TraceId)).Order());
        Assert.Empty(await Store.ClaimQuietAsync(at, at, Lease, 2, Ct));

        // Settled together in one write: none comes back, even once the leases have ended.
        await Store.SettleAsync([.. first, .. second], Ct);
        Assert.Empty(await Store.ClaimQuietAsync(at + Lease, at + Lease, Lease, 10, Ct));
    }
}
