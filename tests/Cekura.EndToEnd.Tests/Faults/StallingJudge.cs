using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.EndToEnd.Tests.Faults;

/// <summary>
/// An OpenAI-compatible chat-completions server on a loopback port that holds every request open (until the client
/// gives up) while <see cref="Answer"/> is false, and answers every judge "yes" once it is true.
/// </summary>
public sealed class StallingJudge : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _waiting;
    private int _abandoned;

    private StallingJudge(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public volatile bool Answer;

    /// <summary>Requests being held open now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Held requests the client aborted.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    public static async Task<StallingJudge> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StallingJudge? judge = null;
        app.Run(context => judge!.HandleAsync(context));
        await app.StartAsync();
        judge = new StallingJudge(app, app.Urls.Single());
        return judge;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!Answer)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _abandoned);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["id"] = "chatcmpl-shutdown",
            ["object"] = "chat.completion",
            ["created"] = 1767225600,
            ["model"] = "judge-model",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = """{"explanation": "Polite throughout.", "result": true}""" },
                ["finish_reason"] = "stop",
            }),
        }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
