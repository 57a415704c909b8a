using System.ComponentModel.DataAnnotations;
using Cekura.Evaluation.CustomCode;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.Tests.CustomCode;

public sealed class CustomCodeRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddCustomCode();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Runner_is_a_singleton_bound_to_the_custom_code_section()
    {
        using var provider = Build(new() { ["CustomCode:TimeoutMs"] = "250", ["CustomCode:MaxStatements"] = "1000", ["CustomCode:MaxConcurrency"] = "3" });

        var options = provider.GetRequiredService<IOptions<CustomCodeOptions>>().Value;
        Assert.Equal(250, options.TimeoutMs);
        Assert.Equal(3, options.MaxConcurrency);
        Assert.Equal(32, options.MemoryLimitMb);
        var runner = provider.GetRequiredService<CustomCodeRunner>();
        Assert.Same(runner, provider.GetRequiredService<CustomCodeRunner>());
        var outcome = await runner.RunAsync(SampleCall.Request("for (;;) {}"), CancellationToken.None);
        Assert.Equal("custom code exceeded its limit of 1,000 statements", outcome.Error);
    }

    [Theory]
    [InlineData(nameof(CustomCodeOptions.TimeoutMs))]
    [InlineData(nameof(CustomCodeOptions.MemoryLimitMb))]
    [InlineData(nameof(CustomCodeOptions.MaxRecursionDepth))]
    [InlineData(nameof(CustomCodeOptions.MaxStatements))]
    [InlineData(nameof(CustomCodeOptions.RegexTimeoutMs))]
    [InlineData(nameof(CustomCodeOptions.MaxCodeLength))]
    [InlineData(nameof(CustomCodeOptions.MaxConcurrency))]
    public void A_setting_out_of_its_range_is_refused_by_the_options_and_by_the_runner(string key)
    {
        using var provider = Build(new() { [$"CustomCode:{key}"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CustomCodeOptions>>().Value);
        Assert.Contains(key, error.Message);
        var options = new CustomCodeOptions();
        typeof(CustomCodeOptions).GetProperty(key)!.SetValue(options, 0);
        Assert.Throws<ValidationException>(() => new CustomCodeRunner(options));
    }

    [Fact]
    public async Task A_host_with_an_invalid_setting_refuses_to_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CustomCode:TimeoutMs"] = "0" });
        builder.Services.AddCustomCode();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("TimeoutMs", error.Message);
    }
}
