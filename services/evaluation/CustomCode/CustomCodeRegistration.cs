using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cekura.Evaluation.CustomCode;

public static class CustomCodeRegistration
{
    /// <summary>
    /// Registers a singleton <see cref="CustomCodeRunner"/> with the options of section <c>CustomCode</c>, validated at
    /// start. One runner per process, so <see cref="CustomCodeOptions.MaxConcurrency"/> bounds the whole worker.
    /// </summary>
    public static IServiceCollection AddCustomCode(this IServiceCollection services)
    {
        // "CustomCode": {"TimeoutMs": 1000, "MemoryLimitMb": 32, "MaxRecursionDepth": 64, "MaxStatements": 10000000,
        //                "RegexTimeoutMs": 100, "MaxCodeLength": 100000, "MaxConcurrency": <processor count>}
        services.AddOptions<CustomCodeOptions>().BindConfiguration(CustomCodeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new CustomCodeRunner(sp.GetRequiredService<IOptions<CustomCodeOptions>>().Value));
        return services;
    }
}
