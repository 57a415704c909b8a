using Cekura.Hosting.Options;
using Cekura.Hosting.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Cekura.Hosting.Tests.Tenancy;

/// <summary>Which origin our links use: configured, reported by the gateway (only with its secret), or the request's own.</summary>
public sealed class PublicOriginTests
{
    private const string Secret = "gateway-secret-0123456789";

    [Fact]
    public void Ingest_behind_a_gateway_uses_the_scheme_host_and_prefix_the_gateway_reports()
    {
        var request = Request(secret: Secret, proto: "https", host: "api.example.com:8443", prefix: "/cekura");

        Assert.Equal("https://api.example.com:8443/cekura", Origin("ingest").For(request));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("guessed-0123456789")]
    public void Forwarded_headers_without_the_gateways_secret_are_ignored(string? presented)
    {
        var request = Request(secret: presented, proto: "https", host: "evil.example", prefix: "/phish");

        Assert.Equal("http://10.0.0.7:8080", Origin("ingest").For(request));
    }

    [Fact]
    public void With_the_gateway_in_this_process_forwarded_headers_are_ignored_even_with_the_secret()
    {
        var request = Request(secret: Secret, proto: "https", host: "evil.example", prefix: "/phish");

        Assert.Equal("http://10.0.0.7:8080", Origin("all").For(request));
    }

    [Fact]
    public void The_configured_public_base_url_wins_over_everything()
    {
        var request = Request(secret: Secret, proto: "https", host: "gateway.internal", prefix: null);

        Assert.Equal("https://calls.example.com/base", Origin("ingest", "https://calls.example.com/base/").For(request));
        Assert.Equal("https://calls.example.com/base", Origin("all", "https://calls.example.com/base").For(request));
    }

    [Theory]
    [InlineData("https", "a.example, b.example", null, "https://a.example")]
    [InlineData("https", "a.example", "no-leading-slash", "http://10.0.0.7:8080")]
    [InlineData("javascript", "a.example", null, "http://10.0.0.7:8080")]
    [InlineData(null, "a.example", null, "http://10.0.0.7:8080")]
    [InlineData("https", null, null, "http://10.0.0.7:8080")]
    public void Unusable_forwarded_values_fall_back_to_the_request(string? proto, string? host, string? prefix, string expected)
    {
        Assert.Equal(expected, Origin("ingest").For(Request(Secret, proto, host, prefix)));
    }

    [Theory]
    [InlineData("https://calls.example.com", true)]
    [InlineData("http://localhost:8080/cekura/", true)]
    [InlineData("calls.example.com", false)]
    [InlineData("ftp://calls.example.com", false)]
    [InlineData("https://calls.example.com/?a=1", false)]
    [InlineData("https://user:pw@calls.example.com", false)]
    public void A_public_base_url_must_be_an_absolute_http_url_without_query_or_credentials(string value, bool valid)
    {
        Assert.Equal(valid, PublicOrigin.IsValidBaseUrl(value));
    }

    private static PublicOrigin Origin(string targets, string? publicBaseUrl = null) => new(
        Microsoft.Extensions.Options.Options.Create(new CekuraOptions { Targets = targets, PublicBaseUrl = publicBaseUrl }),
        Microsoft.Extensions.Options.Options.Create(new GatewayTrustOptions { InternalSecret = Secret }));

    private static HttpRequest Request(string? secret, string? proto, string? host, string? prefix)
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("10.0.0.7:8080");
        request.Path = "/observability/v2/call-logs/";
        if (secret is not null)
        {
            request.Headers[TenantHeaders.GatewaySecret] = secret;
        }
        if (proto is not null)
        {
            request.Headers[PublicOrigin.ForwardedProto] = proto;
        }
        if (host is not null)
        {
            request.Headers[PublicOrigin.ForwardedHost] = host;
        }
        if (prefix is not null)
        {
            request.Headers[PublicOrigin.ForwardedPrefix] = prefix;
        }
        return request;
    }
}
