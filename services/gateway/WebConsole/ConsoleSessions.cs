using System.Text.Json;
using Cekura.Contracts.Tenancy;
using Cekura.Gateway.ApiKeys;
using Cekura.Hosting.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.WebConsole;

/// <summary>What a console cookie holds once opened: the key the user pasted and, for an organisation-wide key, the project chosen.</summary>
public sealed record ConsoleSession(string ApiKey, long? ProjectId);

/// <summary>The signed-in key as the console shows it: never the key itself.</summary>
public sealed record ConsoleSessionView(
    long OrganizationId, long ProjectId, string? ProjectName, string KeyName, string KeyPrefix, string? TraceUrlTemplate);

/// <summary>
/// Console sign-in: the pasted key travels only in a cookie that scripts cannot read (HttpOnly), that other sites'
/// requests do not carry (SameSite=Strict), sealed with ASP.NET Core Data Protection so the cookie alone, without the
/// gateway's key ring, does not reveal the key. Every use opens the cookie and checks the key again, so revoking the
/// key ends the session within the key cache's lifetime.
/// </summary>
public sealed class ConsoleSessions(
    IDataProtectionProvider protection, ApiKeyAuthenticator authenticator, ITenancyStore tenancy, IOptions<ConsoleOptions> options,
    TimeProvider clock)
{
    public const string CookieName = "cekura_console";

    /// <summary>State-changing requests authenticated by the cookie must carry it: another site cannot add a custom header.</summary>
    public const string CsrfHeader = "X-Cekura-Console";

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Cekura.Gateway.WebConsole.Session.v1").ToTimeLimitedDataProtector();

    /// <summary>The session a request's cookie holds, or null when there is none or it is not ours, tampered with or expired.</summary>
    public ConsoleSession? Read(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var sealedValue) || string.IsNullOrEmpty(sealedValue))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ConsoleSession>(_protector.Unprotect(sealedValue, out _));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Checks the key (and the project an organisation-wide key names); null with the reason when it cannot sign in.</summary>
    public async Task<(ConsoleSessionView? View, string? Problem)> ValidateAsync(ConsoleSession session, CancellationToken cancellationToken)
    {
        var key = await authenticator.AuthenticateAsync(session.ApiKey.Trim(), cancellationToken);
        if (key is null)
        {
            return (null, "Invalid API key.");
        }
        long projectId;
        if (key.OrganizationWide)
        {
            if (session.ProjectId is not { } named)
            {
                return (null, "This API key belongs to the whole organisation: give the project id to open.");
            }
            projectId = named;
        }
        else
        {
            projectId = key.ProjectId;
        }
        var project = await tenancy.GetProjectAsync(projectId, cancellationToken);
        if (project is null || project.OrganizationId != key.OrganizationId)
        {
            return (null, key.OrganizationWide ? "No such project in this key's organisation." : "The key's project no longer exists.");
        }
        return (View(key, project), null);
    }

    public void SignIn(HttpContext context, ConsoleSession session)
    {
        var lifetime = TimeSpan.FromHours(options.Value.SessionHours);
        var sealedValue = _protector.Protect(JsonSerializer.Serialize(session), lifetime);
        context.Response.Cookies.Append(CookieName, sealedValue, Cookie(context, clock.GetUtcNow() + lifetime));
    }

    public static void SignOut(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, Cookie(context, expires: null));

    private static CookieOptions Cookie(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private ConsoleSessionView View(ApiKeyRecord key, Project project) => new(
        key.OrganizationId, project.Id, project.Name, key.Name, key.Prefix, NullIfEmpty(options.Value.TraceUrlTemplate));

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
