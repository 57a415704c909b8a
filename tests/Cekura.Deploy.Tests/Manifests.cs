using System.Diagnostics;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Cekura.Deploy.Tests;

/// <summary>The Kubernetes manifests under <c>deploy/k8s</c>, read into the Kubernetes client's typed models (KEDA's CRDs into <see cref="ScaledObject"/> and <see cref="TriggerAuthentication"/>).</summary>
public static class Manifests
{
    public static string Root => Path.Combine(RepositoryRoot(), "deploy", "k8s");

    /// <summary>Every resource file an overlay lists (the base's and its own), parsed strictly: an unknown field fails.</summary>
    public static IReadOnlyList<object> Resources(string overlay) =>
        ResourceFiles(Path.Combine(Root, "overlays", overlay)).SelectMany(f => Parse(File.ReadAllText(f), f)).ToList();

    /// <summary>The files named under <c>resources:</c> in a kustomization, following nested kustomizations.</summary>
    public static IEnumerable<string> ResourceFiles(string directory)
    {
        foreach (var entry in Kustomization(directory).Resources ?? [])
        {
            var path = Path.GetFullPath(Path.Combine(directory, entry));
            if (Directory.Exists(path))
            {
                foreach (var nested in ResourceFiles(path))
                {
                    yield return nested;
                }
            }
            else
            {
                Assert.True(File.Exists(path), $"{directory}/kustomization.yaml lists {entry}, which does not exist");
                yield return path;
            }
        }
    }

    /// <summary>The <c>cekura-config</c> ConfigMap as the overlay's kustomization builds it: the base's literals merged with the overlay's.</summary>
    public static IReadOnlyDictionary<string, string> ConfigLiterals(string overlay)
    {
        var literals = new Dictionary<string, string>();
        foreach (var directory in new[] { Path.Combine(Root, "base"), Path.Combine(Root, "overlays", overlay) })
        {
            foreach (var generator in Kustomization(directory).ConfigMapGenerator ?? [])
            {
                Assert.Equal("cekura-config", generator.Name);
                foreach (var literal in generator.Literals ?? [])
                {
                    var at = literal.IndexOf('=');
                    literals[literal[..at]] = literal[(at + 1)..];
                }
            }
        }
        return literals;
    }

    public static KustomizationFile Kustomization(string directory) =>
        Strict.Deserialize<KustomizationFile>(File.ReadAllText(Path.Combine(directory, "kustomization.yaml")));

    /// <summary>What <c>kubectl kustomize</c> renders for an overlay, or null (with the reason) when kubectl is not installed.</summary>
    public static async Task<(IReadOnlyList<object>? Objects, string Reason)> RenderAsync(string overlay)
    {
        var kubectl = new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            return (null, "kubectl is not installed, so the overlays cannot be rendered (the raw files are still checked)");
        }
        var start = new ProcessStartInfo(kubectl, ["kustomize", Path.Combine(Root, "overlays", overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed: {await error}");
        return (Parse(await output, $"kubectl kustomize {overlay}"), "");
    }

    /// <summary>Each YAML document of <paramref name="yaml"/> as its typed model, chosen by apiVersion and kind.</summary>
    public static IReadOnlyList<object> Parse(string yaml, string source)
    {
        var objects = new List<object>();
        foreach (var document in Documents(yaml))
        {
            var head = Lenient.Deserialize<TypeMeta>(document);
            object parsed = (head.ApiVersion, head.Kind) switch
            {
                ("apps/v1", "Deployment") => KubernetesYaml.Deserialize<V1Deployment>(document, strict: true),
                ("v1", "Service") => KubernetesYaml.Deserialize<V1Service>(document, strict: true),
                ("v1", "ConfigMap") => KubernetesYaml.Deserialize<V1ConfigMap>(document, strict: true),
                ("v1", "PersistentVolumeClaim") => KubernetesYaml.Deserialize<V1PersistentVolumeClaim>(document, strict: true),
                ("policy/v1", "PodDisruptionBudget") => KubernetesYaml.Deserialize<V1PodDisruptionBudget>(document, strict: true),
                ("keda.sh/v1alpha1", "ScaledObject") => Strict.Deserialize<ScaledObject>(document),
                ("keda.sh/v1alpha1", "TriggerAuthentication") => Strict.Deserialize<TriggerAuthentication>(document),
                _ => throw new InvalidOperationException($"{source}: no model for {head.ApiVersion} {head.Kind}"),
            };
            objects.Add(parsed);
        }
        return objects;
    }

    private static IEnumerable<string> Documents(string yaml)
    {
        var lines = yaml.Split('\n');
        // Split on document markers at the start of a line; YAML comments before the first document are kept with it.
        var current = new List<string>();
        foreach (var line in lines)
        {
            if (line.TrimEnd() == "---")
            {
                if (current.Any(IsContent))
                {
                    yield return string.Join('\n', current);
                }
                current.Clear();
                continue;
            }
            current.Add(line);
        }
        if (current.Any(IsContent))
        {
            yield return string.Join('\n', current);
        }
    }

    private static bool IsContent(string line) => line.Trim() is { Length: > 0 } text && !text.StartsWith('#');

    private static readonly IDeserializer Strict = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
    private static readonly IDeserializer Lenient = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).IgnoreUnmatchedProperties().Build();

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cekura.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Cekura.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed class TypeMeta
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
}

/// <summary>The part of kustomize's file these manifests use; any other field fails the parse.</summary>
public sealed class KustomizationFile
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public List<string>? Resources { get; set; }
    public List<LabelSet>? Labels { get; set; }
    public List<ConfigMapGeneratorEntry>? ConfigMapGenerator { get; set; }
}

public sealed class LabelSet
{
    public Dictionary<string, string>? Pairs { get; set; }
}

public sealed class ConfigMapGeneratorEntry
{
    public string Name { get; set; } = "";
    public string? Behavior { get; set; }
    public List<string>? Literals { get; set; }
}

public sealed class CrdMetadata
{
    public string Name { get; set; } = "";
    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>KEDA's ScaledObject (keda.sh/v1alpha1), the fields we set.</summary>
public sealed class ScaledObject
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public CrdMetadata Metadata { get; set; } = new();
    public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    public NameRef ScaleTargetRef { get; set; } = new();
    public int MinReplicaCount { get; set; }
    public int MaxReplicaCount { get; set; }
    public int PollingInterval { get; set; }
    public int CooldownPeriod { get; set; }
    public List<ScaleTrigger> Triggers { get; set; } = [];
}

public sealed class NameRef
{
    public string Name { get; set; } = "";
}

public sealed class ScaleTrigger
{
    public string Type { get; set; } = "";
    public Dictionary<string, string> Metadata { get; set; } = [];
    public NameRef? AuthenticationRef { get; set; }
}

/// <summary>KEDA's TriggerAuthentication (keda.sh/v1alpha1), the fields we set.</summary>
public sealed class TriggerAuthentication
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public CrdMetadata Metadata { get; set; } = new();
    public TriggerAuthenticationSpec Spec { get; set; } = new();
}

public sealed class TriggerAuthenticationSpec
{
    public List<SecretTargetRef> SecretTargetRef { get; set; } = [];
}

public sealed class SecretTargetRef
{
    public string Parameter { get; set; } = "";
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
}
