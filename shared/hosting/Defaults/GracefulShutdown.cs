using Cekura.Hosting.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cekura.Hosting.Defaults;

/// <summary>
/// SIGTERM (Kubernetes, <c>docker stop</c>) stops the host: Kestrel drains its requests, the bus stops taking
/// messages and waits for those in flight (see <see cref="Bus.BusRegistration"/>), all within
/// <see cref="CekuraOptions.ShutdownTimeoutSeconds"/>, so the process exits by itself before the orchestrator kills it.
/// </summary>
public static class GracefulShutdown
{
    public static IHostApplicationBuilder AddGracefulShutdown(this IHostApplicationBuilder builder)
    {
        var timeout = Timeout(builder.Configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        return builder;
    }

    /// <summary>The configured <see cref="CekuraOptions.ShutdownTimeoutSeconds"/>.</summary>
    public static TimeSpan Timeout(IConfiguration configuration) => TimeSpan.FromSeconds(
        CekuraOptions.From(configuration).ShutdownTimeoutSeconds);
}
