using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.Transcription.Tests.SpeechToText;

/// <summary>What the local server received, read in full before it answered.</summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string? Authorization,
    string? ContentType,
    IReadOnlyDictionary<string, string[]> FormFields,
    string? FileName,
    string? FileContentType,
    byte[] Audio);

/// <summary>
/// A Kestrel server on a free loopback port that stands in for a speech-to-text provider: it records every request
/// (query, auth header, multipart fields, the uploaded bytes) and answers with the next scripted responder; the last
/// responder repeats.
/// </summary>
public sealed class SpeechServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpContext, Task>[] _responders;
    private int _next;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public string BaseUrl { get; }

    private SpeechServer(WebApplication app, Func<HttpContext, Task>[] responders, string baseUrl)
    {
        _app = app;
        _responders = responders;
        BaseUrl = baseUrl;
    }

    public static async Task<SpeechServer> StartAsync(params Func<HttpContext, Task>[] responders)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        SpeechServer? server = null;
        app.Run(async context => await server!.HandleAsync(context));
        await app.StartAsync();
        server = new SpeechServer(app, responders, app.Urls.Single());
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var fields = new Dictionary<string, string[]>();
        string? fileName = null, fileType = null;
        byte[] audio;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            foreach (var (key, value) in form)
            {
                fields[key] = value.Select(v => v ?? "").ToArray();
            }
            var file = form.Files.GetFile("file");
            fileName = file?.FileName;
            fileType = file?.ContentType;
            using var copy = new MemoryStream();
            if (file is not null)
            {
                await file.CopyToAsync(copy, context.RequestAborted);
            }
            audio = copy.ToArray();
        }
        else
        {
            using var copy = new MemoryStream();
            await request.Body.CopyToAsync(copy, context.RequestAborted);
            audio = copy.ToArray();
        }
        Requests.Enqueue(new ReceivedRequest(
            request.Method, request.Path.Value ?? "",
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.Authorization.FirstOrDefault(), request.ContentType, fields, fileName, fileType, audio));

        var index = Math.Min(Interlocked.Increment(ref _next) - 1, _responders.Length - 1);
        await _responders[index](context);
    }

    /// <summary>Answers with a JSON body.</summary>
    public static Func<HttpContext, Task> Json(int status, string json, Action<HttpResponse>? headers = null) =>
        async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            headers?.Invoke(context.Response);
            await context.Response.WriteAsync(json);
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
