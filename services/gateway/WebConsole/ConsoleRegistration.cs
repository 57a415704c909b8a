using Microsoft.AspNetCore.DataProtection;

namespace Cekura.Gateway.WebConsole;

public static class ConsoleRegistration
{
    /// <summary>The console's options and sessions; Data Protection seals the session cookies.</summary>
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        var protection = builder.Services.AddDataProtection().SetApplicationName("cekura-gateway");
        if (!string.IsNullOrWhiteSpace(options.DataProtectionKeysDirectory))
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(options.DataProtectionKeysDirectory));
        }
        builder.Services.AddSingleton<ConsoleSessions>();
        return builder;
    }
}
