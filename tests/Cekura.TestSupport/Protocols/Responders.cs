using Microsoft.AspNetCore.Http;

namespace Cekura.TestSupport.Protocols;

/// <summary>Scripted answers for a <see cref="LocalProtocolServer"/> that do not depend on the protocol.</summary>
public static class Responders
{
    /// <summary>Answers with a JSON body.</summary>
    public static Responder Json(int status, string json, Action<HttpResponse>? headers = null) =>
        async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            headers?.Invoke(context.Response);
            await context.Response.WriteAsync(json);
        };

    /// <summary>Waits for <paramref name="release"/> before answering with <paramref name="then"/>.</summary>
    public static Responder HeldUntil(SemaphoreSlim release, Responder then) =>
        async (context, request) =>
        {
            await release.WaitAsync(context.RequestAborted);
            await then(context, request);
        };

    /// <summary>Answers <c>method path</c> with <paramref name="then"/> and anything else with a 404, like the real API.</summary>
    public static Responder OnlyAt(string method, string path, Responder then) =>
        async (context, request) =>
        {
            if (request.Method == method && request.Path == path)
            {
                await then(context, request);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        };

    /// <summary>Never answers: holds each request until the client gives up and drops the connection.</summary>
    public static Responder Hang(Stall? stall = null) => (stall ?? new Stall()).RespondAsync;
}

/// <summary>
/// Holds requests open until the client aborts them (a provider that stops answering), counting them; after
/// <see cref="Release"/>, new requests are answered by the responder given at construction instead.
/// </summary>
public sealed class Stall(Responder? afterRelease = null)
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;
    private int _abandoned;
    private volatile bool _released;

    /// <summary>Completed once a request is being held.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Requests being held open now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Held requests the client aborted.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>Requests from now on are answered; those already held stay held until their client aborts them.</summary>
    public void Release()
    {
        if (afterRelease is null)
        {
            throw new InvalidOperationException("This stall has no answer to give after its release.");
        }
        _released = true;
    }

    public async Task RespondAsync(HttpContext context, ReceivedRequest request)
    {
        if (_released)
        {
            await afterRelease!(context, request);
            return;
        }
        Interlocked.Increment(ref _waiting);
        _entered.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, which is what the test waits for.
            Interlocked.Increment(ref _abandoned);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }
}
