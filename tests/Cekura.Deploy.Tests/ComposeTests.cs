using Cekura.Hosting.Options;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Cekura.Deploy.Tests;

/// <summary>The compose deployment runs the one image, once per target; the Dockerfile builds only that executable.</summary>
public sealed class ComposeTests
{
    [Fact]
    public void Every_Cekura_service_runs_the_one_image_with_its_own_target()
    {
        var file = Path.Combine(Manifests.RepositoryRoot(), "deploy", "compose", "docker-compose.yml");
        // The merging parser resolves the file's `<<: *anchor` merge keys, as compose does.
        var compose = new DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, object>>(new MergingParser(new Parser(new StringReader(File.ReadAllText(file)))));
        var services = ((Dictionary<object, object>)compose["services"])
            .ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);

        var cekura = services.Where(s => Environment(s.Value).ContainsKey("Cekura__Targets")).ToList();
        Assert.Equal(CekuraOptions.Modules.Order(), cekura.Select(s => Environment(s.Value)["Cekura__Targets"]).Order());
        Assert.All(cekura, s =>
        {
            Assert.Equal("cekura:local", s.Value["image"]);
            var build = (Dictionary<object, object>)s.Value["build"];
            Assert.Equal("deploy/Dockerfile", build["dockerfile"]);
            Assert.False(build.ContainsKey("args"), $"{s.Key}: the image takes no build arguments; the target is chosen at run time");
            Assert.Equal($"cekura-{s.Key}", Environment(s.Value)["OTEL_SERVICE_NAME"]);
        });
        Assert.All(cekura.SelectMany(s => Environment(s.Value).Keys), k => Assert.True(OptionsMap.Binds(k), $"compose: {k} sets no option"));
    }

    [Fact]
    public void The_Dockerfile_builds_only_the_one_executable()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Manifests.RepositoryRoot(), "deploy", "Dockerfile"));
        Assert.Contains("dotnet publish services/all-in-one ", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/Cekura.AllInOne.dll\"]", dockerfile);
        Assert.DoesNotContain("ARG ", dockerfile);
    }

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        service.TryGetValue("environment", out var environment)
            ? ((Dictionary<object, object>)environment).ToDictionary(e => (string)e.Key, e => e.Value?.ToString() ?? "")
            : [];
}
