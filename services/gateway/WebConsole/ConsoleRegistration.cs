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
        if (!string.IsNullOrWhiteSpace(options.DataProtectionCertificatePath))
        {
            var certificate = KeyRingCertificate.Load(options.DataProtectionCertificatePath, options.DataProtectionCertificatePassword);
            // New keys are encrypted to it; existing ones (and those of any gateway sharing the directory) decrypt with it.
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        builder.Services.AddSingleton<ConsoleSessions>();
        return builder;
    }
}
