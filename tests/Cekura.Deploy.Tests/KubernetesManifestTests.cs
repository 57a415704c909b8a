using Cekura.Evaluation;
using Cekura.Hosting.Defaults;
using Cekura.Hosting.Options;
using Cekura.Redaction;
using Cekura.Transcription;
using k8s.Models;

namespace Cekura.Deploy.Tests;

/// <summary>
/// deploy/k8s checked offline: every manifest parses into the Kubernetes client's typed models (strictly: an unknown
/// field fails), names, labels, selectors and ports line up, probes use the app's health paths, every setting binds an
/// options property, and each worker's ScaledObject watches the queue its consumer really reads. The checks run on
/// the raw files and, where kubectl is installed, on what <c>kubectl kustomize</c> renders.
/// </summary>
public sealed class KubernetesManifestTests
{
    /// <summary>The queues each worker target consumes, from the consumer definitions that name them.</summary>
    private static readonly Dictionary<string, string[]> WorkerQueues = new()
    {
        ["transcription"] = [CallReceivedConsumerDefinition.Queue, RecordedCallReceivedConsumerDefinition.Queue],
        ["redaction"] = [CallTranscribedConsumerDefinition.Queue],
        ["evaluation"] = [CallRedactedConsumerDefinition.Queue, CallEvaluatedConsumerDefinition.Queue],
    };

    [Fact]
    public void The_distributed_overlay_runs_each_target_in_its_own_deployment() =>
        CheckDistributed(Manifests.Resources("distributed"), Manifests.ConfigLiterals("distributed"));

    [SkippableFact]
    public async Task The_rendered_distributed_overlay_passes_the_same_checks()
    {
        var (objects, reason) = await Manifests.RenderAsync("distributed");
        Skip.If(objects is null, reason);
        var config = Single<V1ConfigMap>(objects);
        Assert.StartsWith("cekura-config-", config.Name()); // kustomize's hash suffix: pods roll when settings change
        Assert.All(objects.OfType<V1Deployment>(), d => Assert.Contains(d.Spec.Template.Spec.Containers[0].EnvFrom,
            e => e.ConfigMapRef?.Name == config.Name()));
        Assert.All(objects.OfType<V1Deployment>(), d => Assert.Equal("cekura", d.Labels()["app.kubernetes.io/part-of"]));
        CheckDistributed(objects, config.Data.ToDictionary());
    }

    [Fact]
    public void The_embedded_overlay_runs_one_pod_with_every_target_on_a_volume() =>
        CheckEmbedded(Manifests.Resources("embedded"), Manifests.ConfigLiterals("embedded"));

    [SkippableFact]
    public async Task The_rendered_embedded_overlay_passes_the_same_checks()
    {
        var (objects, reason) = await Manifests.RenderAsync("embedded");
        Skip.If(objects is null, reason);
        CheckEmbedded(objects, Single<V1ConfigMap>(objects).Data.ToDictionary());
    }

    [Fact]
    public void Every_secret_key_an_operator_creates_binds_an_option()
    {
        var keys = File.ReadAllLines(Path.Combine(Manifests.Root, "overlays", "distributed", "secrets.env.example"))
            .Where(l => l.Trim() is { Length: > 0 } t && !t.StartsWith('#'))
            .Select(l => l[..l.IndexOf('=')]).ToList();
        Assert.Contains("Gateway__InternalSecret", keys);
        Assert.All(keys, k => Assert.True(OptionsMap.Binds(k), $"secrets.env.example: {k} sets no option"));
    }

    [Fact]
    public void A_misspelt_setting_is_caught_by_the_options_check()
    {
        Assert.True(OptionsMap.Binds("Bus__RabbitMq__Host"));
        Assert.True(OptionsMap.Binds("Webhooks__AllowedPrivateHosts__0"));
        Assert.False(OptionsMap.Binds("Bus__RabbitMQ__Hostname"));
        Assert.False(OptionsMap.Binds("Storage__S3__Bucket__Name"));
        Assert.False(OptionsMap.Binds("Bsu__Transport"));
    }

    private static void CheckDistributed(IReadOnlyList<object> objects, IReadOnlyDictionary<string, string> config)
    {
        CheckCommon(objects, config);
        var deployments = objects.OfType<V1Deployment>().ToList();
        Assert.Equal(CekuraOptions.Modules.Order(), deployments.Select(Target).Order());
        foreach (var deployment in deployments)
        {
            var target = Target(deployment);
            Assert.Equal($"cekura-{target}", deployment.Name());
            Assert.Equal(target, deployment.Spec.Template.Labels()["app.kubernetes.io/component"]);
            // Exactly one PodDisruptionBudget covers it.
            Assert.Single(objects.OfType<V1PodDisruptionBudget>(), p => Selects(p.Spec.Selector, deployment));
        }
        Assert.Equal("RabbitMq", config["Bus__Transport"]);
        Assert.Equal("Mongo", config["Storage__CallStore"]);
        Assert.Equal("S3", config["Storage__Blobs"]);

        // Services for gateway and ingest only; the gateway proxies to ingest's Service.
        var services = objects.OfType<V1Service>().ToList();
        Assert.Equal(["gateway", "ingest"], services.Select(s => Target(Single(deployments, d => Selects(s, d)))).Order());
        var ingestService = Single(services, s => s.Name() == "cekura-ingest");
        var gateway = Single(deployments, d => Target(d) == "gateway");
        var ingestUrl = gateway.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "Gateway__IngestUrl").Value;
        Assert.Equal(80, Assert.Single(ingestService.Spec.Ports).Port);
        Assert.Equal($"http://{ingestService.Name()}", ingestUrl);

        // KEDA: one ScaledObject per worker, on exactly the queues its consumers read, authenticated from a Secret.
        var authentication = Single(objects.OfType<TriggerAuthentication>().ToList(), _ => true);
        Assert.Contains(authentication.Spec.SecretTargetRef, r => r.Parameter == "host" && r.Name.Length > 0 && r.Key.Length > 0);
        var scaled = objects.OfType<ScaledObject>().ToList();
        Assert.Equal(WorkerQueues.Keys.Order(), scaled.Select(s => Target(Single(deployments, d => d.Name() == s.Spec.ScaleTargetRef.Name))).Order());
        foreach (var scaledObject in scaled)
        {
            var worker = Single(deployments, d => d.Name() == scaledObject.Spec.ScaleTargetRef.Name);
            Assert.Null(worker.Spec.Replicas); // KEDA owns the replica count; a fixed one would fight it
            Assert.InRange(scaledObject.Spec.MinReplicaCount, 1, scaledObject.Spec.MaxReplicaCount);
            Assert.Equal(WorkerQueues[Target(worker)].Order(), scaledObject.Spec.Triggers.Select(t => t.Metadata["queueName"]).Order());
            Assert.All(scaledObject.Spec.Triggers, t =>
            {
                Assert.Equal("rabbitmq", t.Type);
                Assert.Equal("QueueLength", t.Metadata["mode"]);
                Assert.True(int.Parse(t.Metadata["value"]) > 0);
                Assert.Equal(authentication.Metadata.Name, t.AuthenticationRef?.Name);
            });
        }
    }

    private static void CheckEmbedded(IReadOnlyList<object> objects, IReadOnlyDictionary<string, string> config)
    {
        CheckCommon(objects, config);
        var deployment = Single(objects.OfType<V1Deployment>().ToList(), _ => true);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.True(new CekuraOptions { Targets = config["Cekura__Targets"] }.RunsAllModules);
        Assert.Equal("InMemory", config["Bus__Transport"]);
        Assert.Equal("Sqlite", config["Storage__CallStore"]);
        // The data directory is on the claimed volume.
        var pod = deployment.Spec.Template.Spec;
        var mount = Single(pod.Containers[0].VolumeMounts, m => m.MountPath == config["Storage__DataDirectory"]);
        var volume = Single(pod.Volumes, v => v.Name == mount.Name);
        Assert.Contains(objects.OfType<V1PersistentVolumeClaim>(), c => c.Name() == volume.PersistentVolumeClaim.ClaimName);
        Assert.Single(objects.OfType<V1Service>(), s => Selects(s, deployment));
    }

    /// <summary>What every Deployment must get right, whatever the overlay.</summary>
    private static void CheckCommon(IReadOnlyList<object> objects, IReadOnlyDictionary<string, string> config)
    {
        Assert.All(config.Keys, k => Assert.True(OptionsMap.Binds(k), $"ConfigMap cekura-config: {k} sets no option"));
        var shutdown = int.Parse(config.GetValueOrDefault("Cekura__ShutdownTimeoutSeconds") ?? new CekuraOptions().ShutdownTimeoutSeconds.ToString());
        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            var name = deployment.Name();
            Assert.True(Selects(deployment.Spec.Selector, deployment), $"{name}: its selector does not match its pod labels");
            var pod = deployment.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            var http = Single(container.Ports, p => p.Name == "http");
            Assert.Equal(8080, http.ContainerPort); // ASPNETCORE_URLS in deploy/Dockerfile
            Assert.Equal(ServiceDefaults.ReadinessPath, container.ReadinessProbe.HttpGet.Path);
            Assert.Equal(ServiceDefaults.LivenessPath, container.LivenessProbe.HttpGet.Path);
            Assert.All(new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe },
                p => Assert.Equal("http", p.HttpGet.Port.Value));
            Assert.True(container.Resources.Requests.ContainsKey("cpu") && container.Resources.Requests.ContainsKey("memory"), $"{name}: no resource requests");
            // The process stops by itself (shutdown timeout after the preStop pause) before the kubelet kills it.
            var preStop = container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0;
            Assert.True(pod.TerminationGracePeriodSeconds > shutdown + preStop,
                $"{name}: terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} leaves no room for Cekura__ShutdownTimeoutSeconds {shutdown} + preStop {preStop}");
            Assert.All(container.Env ?? [], e => Assert.True(OptionsMap.Binds(e.Name), $"{name}: env {e.Name} sets no option"));
            Assert.Contains(container.EnvFrom, e => e.ConfigMapRef?.Name.StartsWith("cekura-config") == true);
            Assert.Contains(container.EnvFrom, e => e.SecretRef?.Name == "cekura-secrets");
            foreach (var mount in container.VolumeMounts ?? [])
            {
                Assert.Contains(pod.Volumes, v => v.Name == mount.Name);
            }
        }
        foreach (var service in objects.OfType<V1Service>())
        {
            var target = Single(objects.OfType<V1Deployment>().ToList(), d => Selects(service, d));
            Assert.All(service.Spec.Ports, p => Assert.Contains(target.Spec.Template.Spec.Containers[0].Ports, c => c.Name == p.TargetPort.Value));
        }
    }

    /// <summary>The target a Deployment's container runs: its <c>--target</c> argument, else <c>Cekura__Targets</c> from the config.</summary>
    private static string Target(V1Deployment deployment)
    {
        var flag = deployment.Spec.Template.Spec.Containers[0].Args?.SingleOrDefault(a => a.StartsWith("--target="));
        return flag?["--target=".Length..] ?? "all";
    }

    private static bool Selects(V1LabelSelector selector, V1Deployment deployment) =>
        selector.MatchLabels.Count > 0 && selector.MatchLabels.All(l => deployment.Spec.Template.Labels().TryGetValue(l.Key, out var v) && v == l.Value);

    private static bool Selects(V1Service service, V1Deployment deployment) =>
        service.Spec.Selector.Count > 0 && service.Spec.Selector.All(l => deployment.Spec.Template.Labels().TryGetValue(l.Key, out var v) && v == l.Value);

    private static T Single<T>(IEnumerable<object> objects) => Assert.Single(objects.OfType<T>());

    private static T Single<T>(IEnumerable<T> items, Func<T, bool> predicate)
    {
        var matches = items.Where(predicate).ToList();
        Assert.True(matches.Count == 1, $"expected one {typeof(T).Name}, found {matches.Count}");
        return matches[0];
    }
}
