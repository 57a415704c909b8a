using Cekura.Hosting.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Cekura.Hosting.Tenancy;

/// <summary>
/// The origin clients reach the API at (<c>scheme://host[/prefix]</c>, no trailing slash), for the links we return:
/// <c>voice_recording_url</c> and the pages' <c>next</c>/<c>previous</c>. In order:
/// <list type="number">
/// <item><see cref="CekuraOptions.PublicBaseUrl"/> when set: only the operator knows the outermost address.</item>
/// <item>In a process without the gateway (split deployment), the <c>X-Forwarded-Proto/Host/Prefix</c> the gateway set
/// (YARP replaces any copy the client sent), believed only on a request carrying the gateway's secret: from anyone
/// else they would let a caller choose the links ingest hands out.</item>
/// <item>Otherwise the request itself: with the gateway in this process the client talks to us directly, and its
/// X-Forwarded-* headers are ignored.</item>
/// </list>
/// </summary>
public sealed class PublicOrigin(IOptions<CekuraOptions> cekura, IOptions<GatewayTrustOptions> trust)
{
    public const string ForwardedProto = "X-Forwarded-Proto";
    public const string ForwardedHost = "X-Forwarded-Host";
    public const string ForwardedPrefix = "X-Forwarded-Prefix";
    public const string ForwardedFor = "X-Forwarded-For";

    public static readonly IReadOnlyList<string> ForwardedHeaders = [ForwardedProto, ForwardedHost, ForwardedPrefix, ForwardedFor];

    public string For(HttpRequest request)
    {
        if (!string.IsNullOrWhiteSpace(cekura.Value.PublicBaseUrl))
        {
            return cekura.Value.PublicBaseUrl.Trim().TrimEnd('/');
        }
        if (!cekura.Value.Runs("gateway") && TenantHeaders.FromGateway(request.Headers, trust.Value.InternalSecret)
            && Forwarded(request.Headers) is { } forwarded)
        {
            return forwarded;
        }
        return $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
    }

    /// <summary>True for an absolute http(s) URL without query or fragment: what <see cref="CekuraOptions.PublicBaseUrl"/> must be.</summary>
    public static bool IsValidBaseUrl(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo);

    /// <summary>The origin the gateway reported, or null when its headers are missing or not a usable URL.</summary>
    private static string? Forwarded(IHeaderDictionary headers)
    {
        // A proxy that appends (rather than sets) leaves a list; the first entry is the one nearest the client.
        var proto = First(headers[ForwardedProto]);
        var host = First(headers[ForwardedHost]);
        var prefix = First(headers[ForwardedPrefix]) ?? "";
        if (proto is null || host is null || (prefix.Length > 0 && !prefix.StartsWith('/')))
        {
            return null;
        }
        var origin = $"{proto}://{host}{prefix}".TrimEnd('/');
        return IsValidBaseUrl(origin) ? origin : null;
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
}
