using Cekura.Contracts.Agents;
using Cekura.Contracts.Calls;
using Cekura.Contracts.Metrics;
using Cekura.Evaluation.CustomCode;
using Cekura.Evaluation.Llm.Classification;
using Cekura.Evaluation.Llm.Judge;
using Cekura.Evaluation.Llm.Prompts;
using Cekura.Evaluation.Metrics;
using Cekura.Evaluation.Metrics.Spans;
using Cekura.Hosting.Storage;

namespace Cekura.Evaluation;

/// <summary>One evaluation's fresh results: every metric it ran, and the classifications when it made them.</summary>
public sealed record EvaluationResults(IReadOnlyList<MetricResult> Metrics, bool Classified, string? Topic, string? DropoffPoint);

/// <summary>
/// Runs what a call's evaluation consists of: the predefined catalogue (with the agent's thresholds), the custom
/// metrics its agent enables plus those its <c>metric_ids</c> name (LLM judges, then custom code), and the topic and drop-off
/// classifications against the agent's nodes. A partial evaluation (<see cref="CallLog.PendingMetricIds"/>) runs
/// only the custom metrics it names and leaves the classifications alone.
/// The span metrics read the agent's trace from <paramref name="traces"/>; a host without a trace store (none is
/// registered) reports them "not evaluated", as it does for a call without a <c>trace_id</c>.
/// </summary>
public sealed class CallMetrics(
    IMetricStore metricStore, LlmJudge judge, Lazy<CustomCodeRunner> customCode, TopicClassifier topics, DropoffClassifier dropoffs,
    ILogger<CallMetrics> logger, IAgentTraceStore? traces = null)
{
    public async Task<EvaluationResults> EvaluateAsync(CallLog call, Agent? agent, CancellationToken cancellationToken)
    {
        var thresholds = new MetricThresholds(
            agent?.SilenceDurationSeconds ?? MetricThresholds.DefaultSeconds, agent?.InfraIssuesTimeoutSeconds ?? MetricThresholds.DefaultSeconds);
        var trace = await TraceAsync(call, cancellationToken);
        var catalogue = CallEvaluator.Evaluate(
            call.TranscriptObject, call.RecordingData, call.DurationSeconds, call.CallEndedReason, thresholds, trace).Metrics;

        var only = call.PendingMetricIds?.ToHashSet();
        var customIds = (agent?.MetricIds ?? []).Concat(call.MetricIds)
            .Where(id => PredefinedMetrics.Find(id) is null && (only is null || only.Contains(id)))
            .Distinct().ToList();
        var definitions = customIds.Count == 0
            ? []
            : await metricStore.GetManyAsync(call.ProjectId, customIds, cancellationToken);
        foreach (var gone in customIds.Except(definitions.Select(d => d.Id)))
        {
            // Deleted since it was enabled or named: there is nothing left to run, and no name to show.
            logger.LogInformation("Call log {CallLogId}: metric {MetricId} no longer exists and is skipped", call.Id, gone);
        }

        var transcript = TranscriptText.Render(call.TranscriptObject);
        var context = new JudgeContext(transcript, agent?.Description, call.DynamicVariables, call.Metadata);
        // The judges share the client's per-process concurrency cap, so they may all be started at once.
        var judged = await Task.WhenAll(definitions
            .Where(d => d.Type == MetricTypes.LlmJudge)
            .Select(d => JudgeAsync(d, context, cancellationToken)));
        var metrics = catalogue.Concat(judged).ToList();

        // Custom code runs last, so its data.metrics holds every other result of this evaluation (and, in a partial
        // one, the call's earlier results for the metrics not re-run). Its runner caps concurrency the same way.
        var scripts = definitions.Where(d => d.Type == MetricTypes.CustomCode).ToList();
        if (scripts.Count > 0)
        {
            var earlier = MetricResults.Merge(call.Metrics, metrics, only is null ? null : [.. only]);
            var description = agent is null ? null : PromptTemplate.RenderDynamic(agent.Description, call.DynamicVariables);
            var data = CustomCodeData.FromCall(call, transcript, description, earlier).ToJson();
            metrics.AddRange(await Task.WhenAll(scripts.Select(d => RunAsync(d, data, cancellationToken))));
        }

        if (only is not null)
        {
            return new EvaluationResults(metrics, Classified: false, null, null);
        }
        var topic = await topics.ClassifyAsync(Nodes(agent?.TopicNodes), transcript, cancellationToken);
        var dropoff = await dropoffs.ClassifyAsync(Nodes(agent?.DropoffNodes), transcript, cancellationToken);
        return new EvaluationResults(metrics, Classified: true, topic.Node, dropoff.Node);
    }

    private async Task<CallTrace> TraceAsync(CallLog call, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(call.TraceId))
        {
            return CallTrace.Unavailable("the call has no trace_id.");
        }
        if (traces is null)
        {
            return CallTrace.Unavailable("this deployment keeps no agent spans (no trace store is configured).");
        }
        // Send Calls' trace_id is case-insensitive hex; the store keys traces by the lower-case form OTLP gives.
        var trace = await traces.GetAsync(call.ProjectId, call.TraceId.ToLowerInvariant(), cancellationToken);
        return trace is null
            ? CallTrace.Unavailable($"no spans were received for trace {call.TraceId}.")
            : CallTrace.Found(trace, call.Timestamp);
    }

    private async Task<MetricResult> JudgeAsync(MetricDefinition metric, JudgeContext context, CancellationToken cancellationToken)
    {
        // Cekura's field for the criterion is the prompt; a metric made with a description only is judged by that.
        var criterion = string.IsNullOrWhiteSpace(metric.Prompt) ? metric.Description : metric.Prompt;
        var outcome = await judge.EvaluateAsync(
            new JudgeRequest(metric.Name, criterion, metric.EvalType, metric.EnumValues), context, cancellationToken);
        return new MetricResult
        {
            Id = metric.Id,
            Name = metric.Name,
            Type = metric.EvalType,
            Score = outcome.Score,
            Value = outcome.Value,
            Enum = outcome.Enum,
            Explanation = outcome.Explanation,
        };
    }

    private async Task<MetricResult> RunAsync(MetricDefinition metric, string data, CancellationToken cancellationToken)
    {
        var outcome = await customCode.Value.RunAsync(
            new CustomCodeRequest(metric.CustomCode ?? "", metric.EvalType, metric.EnumValues, data), cancellationToken);
        return new MetricResult
        {
            Id = metric.Id,
            Name = metric.Name,
            Type = metric.EvalType,
            Score = outcome.Score,
            Value = outcome.Value,
            Enum = outcome.Enum,
            // A failed run is "not evaluated" with its reason first, then whatever _explanation the code had set.
            Explanation = outcome.Error is { } error ? [$"Not evaluated: {error}", .. outcome.Explanation] : outcome.Explanation,
        };
    }

    private static IReadOnlyList<ClassificationNode> Nodes(IReadOnlyList<AgentNode>? nodes) =>
        nodes?.Select(n => new ClassificationNode(n.Name, n.Description)).ToList() ?? [];
}
