using System.Collections.Concurrent;
using Cekura.Contracts.Traces;
using Cekura.Hosting.Storage;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// A storage double for <see cref="IAgentTraceStore"/> (spans in a dictionary), registered only where the host has
/// no trace store of its own, so the span metrics can be tested through the host before and apart from the real
/// stores; the code under test is the evaluation reading it.
/// </summary>
public sealed class DictionaryTraceStore : IAgentTraceStore
{
    private readonly ConcurrentDictionary<(long Project, string TraceId), ConcurrentDictionary<string, AgentSpan>> _traces = new();

    public Task AppendAsync(long projectId, IReadOnlyList<AgentSpan> spans, CancellationToken cancellationToken)
    {
        foreach (var span in spans)
        {
            _traces.GetOrAdd((projectId, span.TraceId), _ => new())[span.SpanId] = span;
        }
        return Task.CompletedTask;
    }

    public Task<AgentTrace?> GetAsync(long projectId, string traceId, CancellationToken cancellationToken) =>
        Task.FromResult(_traces.TryGetValue((projectId, traceId), out var spans)
            ? new AgentTrace(traceId, [.. spans.Values.OrderBy(s => s.Start)])
            : null);

    public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Task.FromResult(0L);
}
