using System.Security.Cryptography;
using System.Text;
using Cekura.Gateway.Limits;
using Microsoft.Extensions.Options;

namespace Cekura.Gateway.Administration;

/// <summary>
/// The door of <c>/admin/v1/</c>: <c>X-CEKURA-ADMIN-KEY</c> is checked before anything reads the body (an endpoint
/// filter would run after the JSON binder had read it), and admin bodies are capped small. Without an admin key
/// configured the whole API answers 404.
/// </summary>
public sealed class AdminKeyMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public const string HeaderName = "X-CEKURA-ADMIN-KEY";

    /// <summary>Admin requests are a name and a few numbers; anything larger is refused unread.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    private static readonly PathString Prefix = "/admin";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Prefix))
        {
            await next(context);
            return;
        }
        var configured = options.Value.AdminKey;
        if (string.IsNullOrEmpty(configured))
        {
            await WriteAsync(context, StatusCodes.Status404NotFound,
                "The admin API is off: set Gateway__AdminKey (CEKURA_ADMIN_KEY) to enable it.");
            return;
        }
        // Hashes first, so the comparison takes the same time whatever the presented key's length.
        var presented = context.Request.Headers[HeaderName].ToString();
        if (!CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configured))))
        {
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Invalid admin key.");
            return;
        }
        if (await BodyLimits.ApplyAsync(context, MaxBodyBytes, "admin"))
        {
            await next(context);
        }
    }

    private static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { detail });
    }
}
