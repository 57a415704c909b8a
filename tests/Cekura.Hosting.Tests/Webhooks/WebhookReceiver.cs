using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.Hosting.Tests.Webhooks;

/// <summary>What the receiver got, read in full before it answered.</summary>
public sealed record ReceivedWebhook(string Method, string PathAndQuery, string Host, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A Kestrel server on a free loopback port standing in for a customer's webhook endpoint: it records every request
/// and answers with the next scripted responder; the last one repeats.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpContext, Task>[] _responders;
    private int _next;

    private WebhookReceiver(WebApplication app, Func<HttpContext, Task>[] responders)
    {
        _app = app;
        _responders = responders;
        BaseUrl = app.Urls.Single();
        Port = new Uri(BaseUrl).Port;
    }

    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    /// <summary>"http://127.0.0.1:port".</summary>
    public string BaseUrl { get; }

    public int Port { get; }

    public static async Task<WebhookReceiver> StartAsync(params Func<HttpContext, Task>[] responders)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(context => receiver!.HandleAsync(context));
        await app.StartAsync();
        receiver = new WebhookReceiver(app, responders.Length > 0 ? responders : [Status(200)]);
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Requests.Enqueue(new ReceivedWebhook(
            request.Method, $"{request.Path}{request.QueryString}", request.Host.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
        var index = Math.Min(Interlocked.Increment(ref _next) - 1, _responders.Length - 1);
        await _responders[index](context);
    }

    /// <summary>Answers <paramref name="status"/> with the given headers and no body.</summary>
    public static Func<HttpContext, Task> Status(int status, params (string Name, string Value)[] headers) =>
        context =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }
            return Task.CompletedTask;
        };

    /// <summary>Never answers: waits until the client gives up; <paramref name="entered"/> completes once a request waits.</summary>
    public static Func<HttpContext, Task> Hang(TaskCompletionSource entered) =>
        async context =>
        {
            entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client hung up, which is what the test waits for.
            }
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
