using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cekura.Console.Tests.Support;
using Cekura.Gateway.Administration;
using Microsoft.Extensions.DependencyInjection;

namespace Cekura.Console.Tests;

/// <summary>The console's sign-in cookie over plain HTTP: what it holds, where it is accepted, and the CSRF rule.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSessionTests(ConsoleFixture fixture)
{
    private HttpClient Browserless(CookieContainer cookies) => new(new HttpClientHandler { CookieContainer = cookies })
    {
        BaseAddress = fixture.Host.BaseAddress,
    };

    private async Task<(HttpClient Client, CookieContainer Cookies)> SignedInAsync()
    {
        var cookies = new CookieContainer();
        var client = Browserless(cookies);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Content = JsonContent.Create(new { api_key = ConsoleHost.ApiKey }) };
        request.Headers.Add("X-Cekura-Console", "1");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (client, cookies);
    }

    [Fact]
    public async Task Sign_in_sets_an_HttpOnly_SameSite_Strict_cookie_that_does_not_contain_the_key()
    {
        var client = Browserless(new CookieContainer());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Content = JsonContent.Create(new { api_key = ConsoleHost.ApiKey }) };
        request.Headers.Add("X-Cekura-Console", "1");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("cekura_console=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ConsoleHost.ApiKey, setCookie);
        Assert.DoesNotContain(ConsoleHost.ApiKey[8..], setCookie);
        var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, view.GetProperty("project_id").GetInt64());
        Assert.Equal(ConsoleHost.TraceUrlTemplate, view.GetProperty("trace_url_template").GetString());
        Assert.DoesNotContain(ConsoleHost.ApiKey, view.ToString());
    }

    [Fact]
    public async Task The_cookie_reads_the_API_but_a_change_without_the_console_header_is_403_and_changes_nothing()
    {
        using var api = fixture.Host.ApiClient();
        var id = await ConsolePages.SendAsync(api, ConsolePages.Call("csrf-" + Guid.NewGuid().ToString("N")[..8]));
        var (client, _) = await SignedInAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/observability/v2/call-logs/{id}/")).StatusCode);

        var forged = await client.PatchAsJsonAsync($"/observability/v2/call-logs/{id}/", new { feedback = "forged" });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.NotEqual("forged", (await ConsolePages.GetCallAsync(api, id)).GetProperty("feedback").GetString());

        using var allowed = new HttpRequestMessage(HttpMethod.Patch, $"/observability/v2/call-logs/{id}/") { Content = JsonContent.Create(new { feedback = "from the console" }) };
        allowed.Headers.Add("X-Cekura-Console", "1");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(allowed)).StatusCode);
        Assert.Equal("from the console", (await ConsolePages.GetCallAsync(api, id)).GetProperty("feedback").GetString());
    }

    [Fact]
    public async Task Sign_in_without_the_console_header_or_with_a_wrong_key_sets_no_cookie()
    {
        var client = Browserless(new CookieContainer());
        var noHeader = await client.PostAsJsonAsync("/console/session", new { api_key = ConsoleHost.ApiKey });
        Assert.Equal(HttpStatusCode.Forbidden, noHeader.StatusCode);
        Assert.False(noHeader.Headers.Contains("Set-Cookie"));

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Content = JsonContent.Create(new { api_key = "ck_live_wrongWrongWrongWrongWrongWrong00" }) };
        wrong.Headers.Add("X-Cekura-Console", "1");
        var refused = await client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task An_organisation_wide_key_signs_in_to_the_project_it_names_and_only_that_one()
    {
        var admin = fixture.Host.Services.GetRequiredService<KeyAdministration>();
        var organization = await admin.CreateOrganizationAsync("org-wide " + Guid.NewGuid().ToString("N")[..6], CancellationToken.None);
        var first = await admin.CreateProjectAsync(organization.Id, "first", null, CancellationToken.None);
        var second = await admin.CreateProjectAsync(organization.Id, "second", null, CancellationToken.None);
        var (created, _, error) = await admin.CreateKeyAsync(new NewKeyRequest(organization.Id, null, "org", OrganizationWide: true), CancellationToken.None);
        Assert.True(created is not null, error);
        using (var inFirst = fixture.Host.ApiClient(created!.Key))
        {
            inFirst.DefaultRequestHeaders.Add("X-CEKURA-PROJECT-ID", first!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var agent = await inFirst.PostAsJsonAsync("/test_framework/v1/aiagents/", new { agent_name = "first's agent" });
            var body = ConsolePages.Call("org-first");
            body["agent"] = JsonDocument.Parse(await agent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
            await ConsolePages.SendAsync(inFirst, body);
        }

        var client = Browserless(new CookieContainer());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, created.Key, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client, created.Key, 1)).StatusCode); // another organisation's project
        var signedIn = await SignInAsync(client, created.Key, second!.Id);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("second", JsonDocument.Parse(await signedIn.Content.ReadAsStringAsync()).RootElement.GetProperty("project_name").GetString());

        var list = JsonDocument.Parse(await client.GetStringAsync("/observability/v2/call-logs/")).RootElement;
        Assert.Equal(0, list.GetProperty("count").GetInt64());

        var inFirstProject = Browserless(new CookieContainer());
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(inFirstProject, created.Key, first.Id)).StatusCode);
        var firsts = JsonDocument.Parse(await inFirstProject.GetStringAsync("/observability/v2/call-logs/")).RootElement;
        Assert.Equal("org-first", Assert.Single(firsts.GetProperty("results").EnumerateArray()).GetProperty("call_id").GetString());
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, long? project)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/session") { Content = JsonContent.Create(new { api_key = key, project_id = project }) };
        request.Headers.Add("X-Cekura-Console", "1");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_tampered_cookie_is_no_session()
    {
        var (_, cookies) = await SignedInAsync();
        var original = cookies.GetCookies(fixture.Host.BaseAddress)["cekura_console"]!.Value;
        var tampered = new CookieContainer();
        tampered.Add(fixture.Host.BaseAddress, new Cookie("cekura_console", original[..^4] + (original[^4..] == "AAAA" ? "BBBB" : "AAAA")));
        var client = Browserless(tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/console/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/observability/v2/call-logs/")).StatusCode);
    }

    [Fact]
    public async Task Console_pages_are_served_with_a_strict_content_security_policy_and_unknown_assets_are_404()
    {
        var client = Browserless(new CookieContainer());
        foreach (var path in new[] { "/", "/console/calls", "/console/calls/12", "/console/assets/app.js" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
        Assert.Equal("text/javascript", (await client.GetAsync("/console/assets/app.js")).Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/console/assets/missing.js")).StatusCode);
        // API paths still answer as the API, not with the console's page.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/observability/v2/call-logs/")).StatusCode);
    }
}
