using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.Evaluation.Tests.Llm;

/// <summary>What the local server received, read in full before it answered.</summary>
public sealed record ChatRequestReceived(string Method, string Path, string? Authorization, string? ContentType, JsonElement Body)
{
    public string Model => Body.GetProperty("model").GetString()!;

    public JsonElement Messages => Body.GetProperty("messages");

    public string SystemMessage => Message("system");

    public string UserMessage => Message("user");

    public JsonElement ResponseFormat => Body.GetProperty("response_format");

    /// <summary><c>response_format.json_schema.schema</c>.</summary>
    public JsonElement Schema => ResponseFormat.GetProperty("json_schema").GetProperty("schema");

    private string Message(string role) =>
        Messages.EnumerateArray().Single(m => m.GetProperty("role").GetString() == role).GetProperty("content").GetString()!;
}

/// <summary>
/// A Kestrel server on a free loopback port that stands in for an OpenAI-compatible chat-completions endpoint: it
/// records every request (path, auth header, the JSON body) and answers with the next scripted responder (the last one
/// repeats). It counts the requests it is handling at once, so a test can check the client's concurrency cap.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpContext, Task>[] _responders;
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _inFlightWaiters = [];
    private int _next;
    private int _inFlight;

    public ConcurrentQueue<ChatRequestReceived> Requests { get; } = new();

    public string BaseUrl { get; }

    /// <summary>The most requests this server was handling at the same time.</summary>
    public int MaxInFlight { get; private set; }

    private ChatServer(WebApplication app, Func<HttpContext, Task>[] responders, string baseUrl)
    {
        _app = app;
        _responders = responders;
        BaseUrl = baseUrl;
    }

    public static async Task<ChatServer> StartAsync(params Func<HttpContext, Task>[] responders)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ChatServer? server = null;
        app.Run(async context => await server!.HandleAsync(context));
        await app.StartAsync();
        server = new ChatServer(app, responders, app.Urls.Single());
        return server;
    }

    /// <summary>Completes once <paramref name="count"/> requests are being handled at the same time.</summary>
    public Task InFlightReached(int count)
    {
        lock (_gate)
        {
            if (_inFlight >= count)
            {
                return Task.CompletedTask;
            }
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlightWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        lock (_gate)
        {
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
            foreach (var waiter in _inFlightWaiters.Where(w => _inFlight >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _inFlightWaiters.Remove(waiter);
            }
        }
        try
        {
            var request = context.Request;
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
            Requests.Enqueue(new ChatRequestReceived(request.Method, request.Path.Value ?? "",
                request.Headers.Authorization.FirstOrDefault(), request.ContentType, body.RootElement.Clone()));
            var index = Math.Min(Interlocked.Increment(ref _next) - 1, _responders.Length - 1);
            await _responders[index](context);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    /// <summary>A chat completion whose <c>message.content</c> is <paramref name="content"/> serialised as JSON.</summary>
    public static Func<HttpContext, Task> Answer(object content) => Completion(JsonSerializer.Serialize(content));

    /// <summary>A chat completion in OpenAI's documented shape with the given message fields.</summary>
    public static Func<HttpContext, Task> Completion(string? content, string? refusal = null, string finishReason = "stop") =>
        Json(200, new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1767225600,
            ["model"] = "gpt-test-mini-2026-01-01",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = refusal },
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 412, ["completion_tokens"] = 38, ["total_tokens"] = 450 },
        }.ToJsonString());

    /// <summary>Answers with a JSON body.</summary>
    public static Func<HttpContext, Task> Json(int status, string json, Action<HttpResponse>? headers = null) =>
        async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            headers?.Invoke(context.Response);
            await context.Response.WriteAsync(json);
        };

    /// <summary>Waits for <paramref name="release"/> before answering with <paramref name="then"/>.</summary>
    public static Func<HttpContext, Task> HeldUntil(SemaphoreSlim release, Func<HttpContext, Task> then) =>
        async context =>
        {
            await release.WaitAsync(context.RequestAborted);
            await then(context);
        };

    /// <summary>Never answers: waits until the client gives up and drops the connection.</summary>
    /// <param name="entered">Completed once a request is waiting.</param>
    public static Func<HttpContext, Task> Hang(TaskCompletionSource? entered = null) =>
        async context =>
        {
            entered?.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client timed out, which is what the test waits for.
            }
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
