using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.TestSupport.Protocols;

/// <summary>Answers one request the server has already read and recorded.</summary>
public delegate Task Responder(HttpContext context, ReceivedRequest request);

/// <summary>
/// A Kestrel server on a free loopback port that stands in for a provider's HTTP API (OpenAI-compatible chat
/// completions and audio transcription, Deepgram): it reads and records every request, then answers with the next
/// scripted <see cref="Responder"/> (the last one repeats; see <see cref="Responders"/> and
/// <see cref="ChatCompletions"/>). It tracks which callers are in flight at once, so a test can check a client's
/// concurrency cap or see several workers calling together, and can hold every request until that many are.
/// </summary>
public sealed class LocalProtocolServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Responder[] _script;
    private readonly int _holdUntilConcurrent;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<string> _inFlight = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _inFlightWaiters = [];
    private int _next;
    private int _failuresLeft;
    private Responder? _failure;

    private LocalProtocolServer(WebApplication app, Responder[] script, int holdUntilConcurrent)
    {
        _app = app;
        _script = script;
        _holdUntilConcurrent = holdUntilConcurrent;
        if (holdUntilConcurrent <= 1)
        {
            _released.SetResult();
        }
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>
    /// Waits until <paramref name="count"/> requests were received, then returns how many there are. A client that
    /// gave up on a request (its timeout) can be done before this server has finished reading it, so a count read the
    /// moment the client returns may still miss one.
    /// </summary>
    public async Task<int> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Requests.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        return Requests.Count;
    }

    public string BaseUrl => _app.Urls.Single();

    /// <summary>The largest set of callers (their <c>Authorization</c> headers) that had requests in flight at one time.</summary>
    public IReadOnlyList<string> MostConcurrent { get; private set; } = [];

    /// <summary>The most requests this server was handling at the same time.</summary>
    public int MaxInFlight => MostConcurrent.Count;

    public static Task<LocalProtocolServer> StartAsync(params Responder[] script) => StartAsync(script, holdUntilConcurrent: 1);

    /// <param name="script">The answers in order; the last one repeats.</param>
    /// <param name="holdUntilConcurrent">
    /// Every request waits until this many are in flight at once, then all go through and later ones are not held: a
    /// test sees concurrency without timing anything. A request held forever ends with the client's own timeout.
    /// </param>
    public static async Task<LocalProtocolServer> StartAsync(IReadOnlyList<Responder> script, int holdUntilConcurrent)
    {
        if (script.Count == 0)
        {
            throw new ArgumentException("A server needs at least one responder.", nameof(script));
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LocalProtocolServer(app, [.. script], holdUntilConcurrent);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests get <paramref name="failure"/> ahead of the script, as from a backend that is down.</summary>
    public void FailNext(int count, Responder failure)
    {
        lock (_gate)
        {
            _failure = failure;
            _failuresLeft = count;
        }
    }

    /// <summary>Completes once <paramref name="count"/> requests are being handled at the same time.</summary>
    public Task InFlightReached(int count)
    {
        lock (_gate)
        {
            if (_inFlight.Count >= count)
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
        var request = await ReadAsync(context);
        Requests.Enqueue(request);
        var caller = request.Authorization ?? "";
        Responder responder;
        lock (_gate)
        {
            _inFlight.Add(caller);
            if (_inFlight.Count > MostConcurrent.Count)
            {
                MostConcurrent = [.. _inFlight];
            }
            if (_inFlight.Count >= _holdUntilConcurrent)
            {
                _released.TrySetResult();
            }
            foreach (var waiter in _inFlightWaiters.Where(w => _inFlight.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _inFlightWaiters.Remove(waiter);
            }
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                responder = _failure!;
            }
            else
            {
                responder = _script[Math.Min(_next++, _script.Length - 1)];
            }
        }
        try
        {
            await _released.Task.WaitAsync(context.RequestAborted);
            await responder(context, request);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(caller);
            }
        }
    }

    private static async Task<ReceivedRequest> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        var fields = new Dictionary<string, string[]>();
        string? fileName = null, fileType = null;
        using var content = new MemoryStream();
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
            if (file is not null)
            {
                await file.CopyToAsync(content, context.RequestAborted);
            }
        }
        else
        {
            await request.Body.CopyToAsync(content, context.RequestAborted);
        }
        return new ReceivedRequest(
            request.Method, request.Path.Value ?? "",
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.Authorization.FirstOrDefault(), request.ContentType, fields, fileName, fileType, content.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
