using System.Text.Json;
using System.Text.RegularExpressions;
using Cekura.Hosting.Telemetry;
using MassTransit;
using MassTransit.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Cekura.Hosting.Tests.Telemetry;

/// <summary>
/// The compose deployment's observability files, checked offline: the collector's pipelines are wired, Prometheus
/// scrapes what the collector and RabbitMQ expose, Grafana's provisioning names real data sources, and every query of
/// the dashboard names a metric some process really exports (ours by the collector's naming rules, read from the
/// code's constants; MassTransit's from its own options).
/// </summary>
public sealed partial class ObservabilityDeploymentTests
{
    private static readonly string ComposeDirectory = Path.Combine(RepositoryRoot(), "deploy", "compose");

    [Fact]
    public void Every_collector_pipeline_uses_only_components_the_configuration_defines_and_metrics_reach_prometheus()
    {
        var config = Yaml("otel-collector.yaml");
        var pipelines = Map(Map(config, "service"), "pipelines");
        Assert.NotEmpty(pipelines.Children);
        var used = new HashSet<string>();
        foreach (var (signal, pipeline) in pipelines.Children.Select(kv => (Scalar(kv.Key), (YamlMappingNode)kv.Value)))
        {
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            {
                var defined = Map(config, section).Children.Keys.Select(Scalar).ToHashSet();
                var named = pipeline.Children.TryGetValue(section, out var list) ? ((YamlSequenceNode)list).Select(Scalar).ToList() : [];
                Assert.True(section == "processors" || named.Count > 0, $"pipeline {signal} has no {section}");
                foreach (var name in named)
                {
                    Assert.True(defined.Contains(name), $"pipeline {signal} names {section[..^1]} '{name}', which is not defined");
                    used.Add($"{section}/{name}");
                }
            }
        }
        // Nothing defined and left unused (a typo in a pipeline would otherwise leave its component idle).
        foreach (var section in new[] { "receivers", "exporters" })
        {
            Assert.All(Map(config, section).Children.Keys.Select(Scalar), name => Assert.Contains($"{section}/{name}", used));
        }
        Assert.Contains("prometheus", Names(pipelines, "metrics", "exporters"));
        Assert.Contains("otlp", Names(pipelines, "metrics", "receivers"));
        Assert.Contains(Names(pipelines, "traces", "exporters"), e => e.EndsWith("/jaeger", StringComparison.Ordinal));
    }

    [Fact]
    public void Prometheus_scrapes_the_collectors_exporter_and_rabbitmq_and_compose_mounts_every_file_it_names()
    {
        var collectorPort = Scalar(Map(Map(Yaml("otel-collector.yaml"), "exporters"), "prometheus").Children[new YamlScalarNode("endpoint")]).Split(':')[^1];
        var targets = ((YamlSequenceNode)Yaml("prometheus.yml").Children[new YamlScalarNode("scrape_configs")])
            .Cast<YamlMappingNode>()
            .SelectMany(job => ((YamlSequenceNode)job.Children[new YamlScalarNode("static_configs")]).Cast<YamlMappingNode>())
            .SelectMany(config => ((YamlSequenceNode)config.Children[new YamlScalarNode("targets")]).Select(Scalar))
            .ToList();
        Assert.Contains($"otel-collector:{collectorPort}", targets);
        Assert.Contains("rabbitmq:15692", targets);

        var services = Map(Yaml("docker-compose.yml"), "services");
        foreach (var host in targets.Select(t => t.Split(':')[0]))
        {
            Assert.True(services.Children.ContainsKey(new YamlScalarNode(host)), $"Prometheus scrapes {host}, which compose does not run");
        }
        foreach (var service in new[] { "otel-collector", "prometheus", "grafana" })
        {
            var volumes = (YamlSequenceNode)Map(services, service).Children[new YamlScalarNode("volumes")];
            foreach (var source in volumes.Select(Scalar).Select(v => v.Split(':')[0]).Where(s => s.StartsWith("./", StringComparison.Ordinal)))
            {
                Assert.True(File.Exists(Path.Combine(ComposeDirectory, source)) || Directory.Exists(Path.Combine(ComposeDirectory, source)),
                    $"compose mounts {source} into {service}, which does not exist");
            }
        }
    }

    [Fact]
    public void Grafanas_provisioning_names_real_data_sources_and_links_exemplars_and_the_trace_table_to_jaeger()
    {
        var provisioned = ((YamlSequenceNode)Yaml("grafana", "provisioning", "datasources", "datasources.yaml").Children[new YamlScalarNode("datasources")])
            .Cast<YamlMappingNode>().ToList();
        var datasources = provisioned.ToDictionary(d => Scalar(d.Children[new YamlScalarNode("uid")]), d => Scalar(d.Children[new YamlScalarNode("type")]));
        Assert.Equal("prometheus", datasources.GetValueOrDefault("prometheus"));
        Assert.Equal("jaeger", datasources.GetValueOrDefault("jaeger"));
        // An exemplar's trace_id label (as the collector's exporter writes it) opens the trace in the Jaeger data source.
        var exemplarLink = ((YamlSequenceNode)Map(provisioned.Single(d => Scalar(d.Children[new YamlScalarNode("uid")]) == "prometheus"), "jsonData")
            .Children[new YamlScalarNode("exemplarTraceIdDestinations")]).Cast<YamlMappingNode>().Single();
        Assert.Equal("trace_id", Scalar(exemplarLink.Children[new YamlScalarNode("name")]));
        Assert.True(datasources.ContainsKey(Scalar(exemplarLink.Children[new YamlScalarNode("datasourceUid")])));

        var dashboard = Dashboard();
        foreach (var datasource in Panels(dashboard).Concat(Targets(dashboard)).Where(e => e.TryGetProperty("datasource", out _)).Select(e => e.GetProperty("datasource")))
        {
            var uid = datasource.GetProperty("uid").GetString()!;
            Assert.True(datasources.TryGetValue(uid, out var type), $"the dashboard uses data source {uid}, which is not provisioned");
            Assert.Equal(type, datasource.GetProperty("type").GetString());
        }
        // Histograms of latency show exemplars (trace ids), and a table lists traces with a link to each in Jaeger.
        Assert.Contains(Targets(dashboard), t => t.TryGetProperty("exemplar", out var e) && e.GetBoolean());
        Assert.Contains("http://localhost:16686/trace/${__value.raw}", File.ReadAllText(DashboardPath()));

        var provider = ((YamlSequenceNode)Yaml("grafana", "provisioning", "dashboards", "dashboards.yaml").Children[new YamlScalarNode("providers")])
            .Cast<YamlMappingNode>().Single();
        var mounts = ((YamlSequenceNode)Map(Map(Yaml("docker-compose.yml"), "services"), "grafana").Children[new YamlScalarNode("volumes")]).Select(Scalar).ToList();
        Assert.Contains($"./grafana/dashboards:{Scalar(Map(provider, "options").Children[new YamlScalarNode("path")])}:ro", mounts);
    }

    [Fact]
    public void Every_dashboard_query_names_a_metric_we_export_and_every_cekura_instrument_is_on_the_dashboard()
    {
        var exported = ExportedPrometheusNames();
        var queried = new HashSet<string>();
        foreach (var expr in Targets(Dashboard()).Where(t => t.TryGetProperty("expr", out _)).Select(t => t.GetProperty("expr").GetString()!))
        {
            var names = MetricNames(expr);
            Assert.NotEmpty(names);
            foreach (var name in names)
            {
                Assert.True(exported.Contains(name) || name.StartsWith("rabbitmq_", StringComparison.Ordinal),
                    $"'{name}' in `{expr}` is not a metric the services export");
                queried.Add(name);
            }
        }
        foreach (var instrument in CekuraMetrics.Instruments)
        {
            Assert.True(PrometheusNames(instrument.Name, instrument.Kind, instrument.Unit).Any(queried.Contains),
                $"no dashboard panel shows {instrument.Name}");
        }
        Assert.Contains("http_server_request_duration_seconds_bucket", queried);
        Assert.Contains("rabbitmq_queue_messages_ready", queried);
    }

    [Theory]
    [InlineData("sum by (le, stage) (rate(cekura_stage_duration_seconds_bucket{stage=\"received\"}[$__rate_interval]))", "cekura_stage_duration_seconds_bucket")]
    [InlineData("max(cekura_outbox_owed) / on (job) group_left sum without (instance) (up)", "cekura_outbox_owed,up")]
    [InlineData("histogram_quantile(0.95, sum by (le) (rate(a_bucket[5m]))) > bool 0.5", "a_bucket")]
    public void Metric_names_are_read_from_a_query_without_functions_labels_or_ranges(string expr, string expected) =>
        Assert.Equal(expected.Split(','), MetricNames(expr).Order());

    [Theory]
    [InlineData("cekura.stage.duration", InstrumentKind.Histogram, "s", "cekura_stage_duration_seconds_bucket")]
    [InlineData("cekura.calls.ingested", InstrumentKind.Counter, "{call}", "cekura_calls_ingested_total")]
    [InlineData("cekura.calls.in_stage", InstrumentKind.ObservableGauge, "{call}", "cekura_calls_in_stage")]
    [InlineData("messaging.masstransit.consume.duration", InstrumentKind.Histogram, "ms", "messaging_masstransit_consume_duration_milliseconds_count")]
    public void OTel_names_become_the_collectors_Prometheus_names(string name, InstrumentKind kind, string unit, string expected) =>
        Assert.Contains(expected, PrometheusNames(name, kind, unit));

    /// <summary>
    /// What the collector's <c>prometheus</c> exporter makes of an OTel metric: dots become underscores, the unit a
    /// suffix (a <c>{thing}</c> annotation adds none), a monotonic sum gets <c>_total</c>, a histogram
    /// <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.
    /// </summary>
    private static IEnumerable<string> PrometheusNames(string name, InstrumentKind kind, string? unit)
    {
        var suffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        var baseName = Regex.Replace(name, "[^a-zA-Z0-9_:]", "_");
        if (!baseName.EndsWith(suffix, StringComparison.Ordinal))
        {
            baseName += suffix;
        }
        return kind switch
        {
            InstrumentKind.Counter => [baseName + "_total"],
            InstrumentKind.Histogram => [baseName + "_bucket", baseName + "_sum", baseName + "_count"],
            _ => [baseName],
        };
    }

    /// <summary>Ours (from <see cref="CekuraMetrics.Instruments"/>), MassTransit's (from its default options) and ASP.NET Core's.</summary>
    private static HashSet<string> ExportedPrometheusNames()
    {
        var names = CekuraMetrics.Instruments.SelectMany(i => PrometheusNames(i.Name, i.Kind, i.Unit)).ToHashSet();
        using var provider = new ServiceCollection().AddMassTransit(x => x.UsingInMemory()).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<InstrumentationOptions>>().Value;
        foreach (var property in typeof(InstrumentationOptions).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            if (property.GetValue(options) is string { Length: > 0 } metric && metric.StartsWith("messaging.", StringComparison.Ordinal))
            {
                // MassTransit's instruments: *Total are counters, *Duration histograms in milliseconds, the rest up-down counters.
                var kind = property.Name.EndsWith("Total", StringComparison.Ordinal) ? InstrumentKind.Counter
                    : property.Name.EndsWith("Duration", StringComparison.Ordinal) ? InstrumentKind.Histogram
                    : InstrumentKind.ObservableGauge;
                names.UnionWith(PrometheusNames(metric, kind, kind == InstrumentKind.Histogram ? "ms" : null));
            }
        }
        Assert.Contains("messaging_masstransit_consume_total", names);
        // ASP.NET Core's built-in meters (Microsoft.AspNetCore.Hosting, Microsoft.AspNetCore.Server.Kestrel).
        names.UnionWith(PrometheusNames("http.server.request.duration", InstrumentKind.Histogram, "s"));
        names.UnionWith(PrometheusNames("http.server.active_requests", InstrumentKind.ObservableGauge, "{request}"));
        names.UnionWith(PrometheusNames("kestrel.active_connections", InstrumentKind.ObservableGauge, "{connection}"));
        names.UnionWith(PrometheusNames("kestrel.connection.duration", InstrumentKind.Histogram, "s"));
        // Prometheus's own per-target series.
        names.Add("up");
        return names;
    }

    private static readonly HashSet<string> PromQlWords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    /// <summary>The metric names in a PromQL expression: identifiers that are not functions, keywords, label names or values.</summary>
    internal static List<string> MetricNames(string expr)
    {
        var bare = StringLiteral().Replace(expr, "");
        bare = LabelMatchers().Replace(bare, "");
        bare = Ranges().Replace(bare, "");
        bare = Grouping().Replace(bare, " ");
        return Identifier().Matches(bare).Select(m => m.Value)
            .Where(word => !PromQlWords.Contains(word.ToLowerInvariant()))
            .Distinct().ToList();
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("\\{[^}]*\\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex("\\[[^\\]]*\\]")]
    private static partial Regex Ranges();

    [GeneratedRegex("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)")]
    private static partial Regex Grouping();

    // A whole identifier (not a prefix of a longer one, not part of a number) that is not called as a function.
    [GeneratedRegex("(?<![\\w:.])[a-zA-Z_:][\\w:]*(?![\\w:])(?!\\s*\\()")]
    private static partial Regex Identifier();

    private static string DashboardPath() => Path.Combine(ComposeDirectory, "grafana", "dashboards", "cekura-overview.json");

    private static JsonElement Dashboard() => JsonDocument.Parse(File.ReadAllText(DashboardPath())).RootElement.Clone();

    private static IEnumerable<JsonElement> Panels(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("panels", out var inner) ? inner.EnumerateArray().Prepend(p) : [p]);

    private static IEnumerable<JsonElement> Targets(JsonElement dashboard) =>
        Panels(dashboard).Where(p => p.TryGetProperty("targets", out _)).SelectMany(p => p.GetProperty("targets").EnumerateArray());

    private static YamlMappingNode Yaml(params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine([ComposeDirectory, .. path]));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map
            : throw new Xunit.Sdk.XunitException($"'{key}' is missing or not a mapping");

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static List<string> Names(YamlMappingNode pipelines, string signal, string section) =>
        ((YamlSequenceNode)Map(pipelines, signal).Children[new YamlScalarNode(section)]).Select(Scalar).ToList();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cekura.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Cekura.sln not found above " + AppContext.BaseDirectory);
    }
}
