using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>
/// A chat-completions server that answers any structured-output request by filling its schema: booleans true,
/// numbers 4, strings "because", and for a choice among names the one the test prefers (else the first).
/// With <c>holdUntilConcurrent</c>, every request waits until that many are in flight at once (then all go through,
/// and later ones are not held): a test can see several workers judging at the same time without timing anything.
/// </summary>
public sealed class JudgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyCollection<string> _preferred;
    private readonly int _holdUntilConcurrent;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<string> _inFlight = [];

    private JudgeServer(WebApplication app, IReadOnlyCollection<string> preferred, int holdUntilConcurrent)
    {
        _app = app;
        _preferred = preferred;
        _holdUntilConcurrent = holdUntilConcurrent;
        if (holdUntilConcurrent <= 1)
        {
            _released.SetResult();
        }
    }

    public ConcurrentQueue<JsonElement> Requests { get; } = new();
    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>The largest set of callers (their <c>Authorization</c> headers) that had requests in flight at one time.</summary>
    public IReadOnlyList<string> MostConcurrent { get; private set; } = [];

    public string BaseUrl => _app.Urls.Single();

    public static async Task<JudgeServer> StartAsync(IReadOnlyCollection<string>? preferred = null, int holdUntilConcurrent = 1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new JudgeServer(app, preferred ?? [], holdUntilConcurrent);
        app.MapPost("/v1/chat/completions", (Delegate)server.AnswerAsync);
        await app.StartAsync();
        return server;
    }

    private async Task<IResult> AnswerAsync(HttpContext http)
    {
        using var request = await JsonDocument.ParseAsync(http.Request.Body);
        var authorization = http.Request.Headers.Authorization.ToString();
        Requests.Enqueue(request.RootElement.Clone());
        Authorizations.Enqueue(authorization);
        lock (_gate)
        {
            _inFlight.Add(authorization);
            if (_inFlight.Count > MostConcurrent.Count)
            {
                MostConcurrent = [.. _inFlight];
            }
            if (_inFlight.Count >= _holdUntilConcurrent)
            {
                _released.TrySetResult();
            }
        }
        try
        {
            // The client's own timeout ends a request held forever; the test then fails on its condition's deadline.
            await _released.Task.WaitAsync(http.RequestAborted);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(authorization);
            }
        }
        var schema = request.RootElement.GetProperty("response_format").GetProperty("json_schema").GetProperty("schema");
        var answer = new JsonObject();
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            answer[property.Name] = Fill(property.Value);
        }
        return Results.Json(new
        {
            id = "chatcmpl-e2e", @object = "chat.completion", model = "judge-model",
            choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = answer.ToJsonString() } } },
        });
    }

    private JsonNode? Fill(JsonElement schema)
    {
        if (schema.TryGetProperty("enum", out var choices))
        {
            var names = choices.EnumerateArray().Select(c => c.GetString()!).ToList();
            return names.FirstOrDefault(_preferred.Contains) ?? names[0];
        }
        var type = schema.GetProperty("type");
        var kind = type.ValueKind == JsonValueKind.Array ? type[0].GetString() : type.GetString();
        return kind switch
        {
            "boolean" => true,
            "number" or "integer" => 4,
            _ => "because",
        };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
