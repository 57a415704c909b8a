using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Runtime;

namespace Cekura.Evaluation.CustomCode;

/// <summary>
/// Runs a custom_code metric's JavaScript in a sandbox: a fresh Jint engine per run, strict mode, no CLR interop, no
/// module loader, no string compilation (<c>eval</c>, <c>Function('…')</c>), no timers or I/O (Jint has none unless a
/// host adds them), and limits on time, allocations, recursion, statements and regular expressions. Each run takes one
/// of <see cref="CustomCodeOptions.MaxConcurrency"/> slots on the thread pool, so a runaway script occupies one slot for
/// at most its time limit and fails only its own metric. Plain C#: no framework types.
/// </summary>
public sealed class CustomCodeRunner : IDisposable
{
    private const string SourceName = "custom_code";
    private const string SandboxResource = "Cekura.Evaluation.CustomCode.Sandbox.js";
    private const string WarmupResource = "Cekura.Evaluation.CustomCode.Warmup.js";

    // Results are stored with every call, so a script cannot make them arbitrarily large.
    private const int MaxExplanationEntries = 20;
    private const int MaxExplanationChars = 1000;

    private readonly TimeSpan _timeout;
    private readonly TimeSpan _hardDeadline;
    private readonly long _memoryBytes;
    private readonly int _memoryMb;
    private readonly int _maxRecursionDepth;
    private readonly int _maxStatements;
    private readonly TimeSpan _regexTimeout;
    private readonly int _maxCodeLength;
    private readonly Prepared<Script> _sandbox;
    private readonly SemaphoreSlim _slots;
    private int _active;

    /// <exception cref="ValidationException">An option is out of its range.</exception>
    public CustomCodeRunner(CustomCodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _timeout = TimeSpan.FromMilliseconds(options.TimeoutMs);
        // The engine's limits are checked between statements and inside most built-ins; this is the host's own
        // deadline for a built-in call the engine cannot interrupt. The run's slot stays taken until it returns.
        _hardDeadline = 2 * _timeout + TimeSpan.FromSeconds(1);
        _memoryMb = options.MemoryLimitMb;
        _memoryBytes = options.MemoryLimitMb * 1024L * 1024L;
        _maxRecursionDepth = options.MaxRecursionDepth;
        _maxStatements = options.MaxStatements;
        _regexTimeout = TimeSpan.FromMilliseconds(options.RegexTimeoutMs);
        _maxCodeLength = options.MaxCodeLength;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _sandbox = Engine.PrepareScript(ReadResource(SandboxResource), "sandbox", strict: true);
        WarmUp();
    }

    /// <summary>Scripts running now (each holds a slot).</summary>
    public int ActiveRuns => Volatile.Read(ref _active);

    /// <summary>Runs the metric's code on the call's data and reads its <c>_result</c> as the metric's eval_type.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (not a failure of the metric).</exception>
    public async Task<CustomCodeOutcome> RunAsync(CustomCodeRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CustomCodeEvalTypes.All.Contains(request.EvalType))
        {
            return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.InvalidRequest,
                $"a custom_code metric's eval_type is binary, numeric, continuous_qualitative or enum, not \"{request.EvalType}\"");
        }
        if (request.Code.Length > _maxCodeLength)
        {
            return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.CodeTooLong, Invariant(
                $"custom code is {request.Code.Length:N0} characters long; the limit is {_maxCodeLength:N0} (CustomCode__MaxCodeLength)"));
        }

        await _slots.WaitAsync(ct);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(() =>
        {
            Interlocked.Increment(ref _active);
            started.TrySetResult();
            try
            {
                return Execute(request, _timeout, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _active);
                _slots.Release();
            }
        }, CancellationToken.None);
        try
        {
            // The deadline counts from the script's start: on a busy machine the pool can take a while to run it, and
            // that wait is not the script's time.
            await Task.WhenAny(started.Task, run).WaitAsync(ct);
            return await run.WaitAsync(_hardDeadline, ct);
        }
        catch (TimeoutException)
        {
            return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.TimeLimit,
                $"{TimeLimitExceeded} (a built-in operation that cannot be interrupted was still running)");
        }
    }

    public void Dispose() => _slots.Dispose();

    private string TimeLimitExceeded => $"custom code exceeded its {Duration(_timeout)} time limit";

    /// <summary>
    /// Runs a typical metric once, outside any slot and with a minute to spare, so that compiling the engine's code
    /// paths on first use is paid here rather than out of the first metrics' time limits. Its outcome is not used:
    /// a machine too slow to finish it still warmed what it reached.
    /// </summary>
    private void WarmUp()
    {
        var data = new CustomCodeData
        {
            Transcript = "Main Agent: Thanks for calling, how can I help?\nTesting Agent: I want to book 2 seats.",
            TranscriptJson =
            [
                new() { Role = "Main Agent", Content = "Thanks for calling, how can I help?", StartTime = 0, EndTime = 2 },
                new() { Role = "Testing Agent", Content = "I want to book 2 seats.", StartTime = 2.5, EndTime = 4 },
            ],
            Timestamp = DateTimeOffset.UnixEpoch,
            Metadata = JsonSerializer.SerializeToElement(new { tier = "gold" }),
        };
        Execute(new CustomCodeRequest(ReadResource(WarmupResource), CustomCodeEvalTypes.Binary, [], data.ToJson()),
            TimeSpan.FromMinutes(1), CancellationToken.None);
    }

    private CustomCodeOutcome Execute(CustomCodeRequest request, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            var (script, syntaxError) = Prepare(request.Code);
            return syntaxError ?? Run(script, request, timeout, ct);
        }
        catch (Exception e) when (IsCancellation(e, ct))
        {
            throw new OperationCanceledException("The custom code run was cancelled.", e, ct);
        }
        catch (Exception e)
        {
            // Whatever else hostile code makes the engine throw fails this metric, never the evaluation of the call.
            return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.SandboxError, $"custom code could not be run: {e.GetType().Name}: {e.Message}");
        }
    }

    private static (Prepared<Script> Script, CustomCodeOutcome? SyntaxError) Prepare(string code)
    {
        try
        {
            // Parsed inside the slot: parsing is work the script's author controls too.
            return (Engine.PrepareScript(code, SourceName, strict: true), null);
        }
        catch (ScriptPreparationException e)
        {
            return (default, CustomCodeOutcome.NotEvaluated(CustomCodeFailure.SyntaxError, e.InnerException switch
            {
                ParseErrorException parse =>
                    Invariant($"custom code has a syntax error at line {parse.LineNumber}, column {parse.Column + 1}: {parse.Description}"),
                // The parser stops at the thread's stack limit instead of overflowing it.
                InsufficientExecutionStackException => "custom code is nested too deeply to parse",
                _ => $"custom code could not be parsed: {e.Message}",
            }));
        }
    }

    private CustomCodeOutcome Run(Prepared<Script> script, CustomCodeRequest request, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = new OperationDeadlineConstraint();
        using var engine = new Engine(options => Configure(options, deadline));
        deadline.Begin(timeout, ct);
        try
        {
            JsArray hooks;
            try
            {
                var setup = engine.Evaluate(_sandbox);
                hooks = (JsArray)engine.Invoke(setup, new JsString(request.DataJson), new JsNumber(_memoryBytes),
                    new JsNumber(MaxExplanationEntries), new JsNumber(MaxExplanationChars));
            }
            catch (JavaScriptException e)
            {
                // Only the sandbox's own JSON.parse of the host's data can throw here.
                return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.InvalidRequest, $"the call's data is not valid JSON ({e.Message})");
            }
            catch (Exception e) when (!IsCancellation(e, ct))
            {
                var outcome = Failed(e, engine, hooks: null);
                return outcome with { Error = $"{outcome.Error}, while loading the call's data" };
            }

            try
            {
                engine.Execute(script);
                return Interpret(((JsString)engine.Invoke(hooks[0])).ToString(), request);
            }
            catch (Exception e) when (!IsCancellation(e, ct))
            {
                return Failed(e, engine, hooks);
            }
        }
        finally
        {
            deadline.End();
        }
    }

    private void Configure(Options options, OperationDeadlineConstraint deadline)
    {
        options.Strict();
        options.Interop.Enabled = false;
        options.DisableStringCompilation();
        // Atomics.wait would block the thread where no limit can see it.
        options.AgentCanSuspend = false;
        // One deadline for the whole run (data, code, result), which also carries the caller's cancellation.
        options.Constraint(deadline);
        options.LimitMemory(_memoryBytes);
        options.LimitRecursion(_maxRecursionDepth);
        options.MaxStatements(_maxStatements);
        options.Constraints.RegexTimeout = _regexTimeout;
        // Recursion the depth count does not see (getters, toString coercions, Proxy traps) would otherwise overflow
        // the native stack and end the process; the guard turns it into a RangeError.
        options.Constraints.StackOverflowGuard = true;
        // The same code gives the same result on every worker.
        options.Culture = CultureInfo.InvariantCulture;
        options.TimeZone = TimeZoneInfo.Utc;
    }

    private static bool IsCancellation(Exception e, CancellationToken ct) =>
        ct.IsCancellationRequested && e is OperationCanceledException or ExecutionCanceledException;

    private CustomCodeOutcome Failed(Exception e, Engine engine, JsArray? hooks) => e switch
    {
        // A RegexMatchTimeoutException is a TimeoutException, so it comes first.
        RegexMatchTimeoutException => CustomCodeOutcome.NotEvaluated(CustomCodeFailure.RegexTimeLimit,
            $"a regular expression in custom code exceeded its {Duration(_regexTimeout)} time limit"),
        TimeoutException => CustomCodeOutcome.NotEvaluated(CustomCodeFailure.TimeLimit, TimeLimitExceeded),
        MemoryLimitExceededException or OutOfMemoryException => MemoryLimit(detail: null),
        RecursionDepthOverflowException => RecursionLimit(),
        StatementsCountOverflowException => CustomCodeOutcome.NotEvaluated(CustomCodeFailure.StatementLimit,
            Invariant($"custom code exceeded its limit of {_maxStatements:N0} statements")),
        JavaScriptException js => Thrown(js, engine, hooks),
        _ => CustomCodeOutcome.NotEvaluated(CustomCodeFailure.SandboxError, $"custom code could not be run: {e.GetType().Name}: {e.Message}"),
    };

    private CustomCodeOutcome Thrown(JavaScriptException js, Engine engine, JsArray? hooks)
    {
        var limitHit = hooks is null ? null : CallHook(engine, hooks[1]);
        var thrown = (hooks is null ? null : CallHook(engine, hooks[2], js.Error)) ?? js.Message;
        if (limitHit == "memory")
        {
            return MemoryLimit(thrown);
        }
        if (thrown == "RangeError: Maximum call stack size exceeded")
        {
            return RecursionLimit();
        }
        var location = js.Location.SourceFile == SourceName
            ? Invariant($" at line {js.Location.Start.Line}, column {js.Location.Start.Column + 1}")
            : "";
        return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.ScriptError, $"custom code threw {thrown}{location}");
    }

    /// <summary>Calls one of the sandbox's own functions; null when it fails (the deadline may be spent already).</summary>
    private static string? CallHook(Engine engine, JsValue hook, params JsValue[] arguments)
    {
        try
        {
            return engine.Invoke(hook, arguments) is JsString text ? text.ToString() : null;
        }
        catch (Exception e) when (e is JintException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private CustomCodeOutcome MemoryLimit(string? detail) => CustomCodeOutcome.NotEvaluated(CustomCodeFailure.MemoryLimit,
        $"custom code exceeded its {_memoryMb} MB memory limit{(detail is null ? "" : $" ({detail})")}");

    private CustomCodeOutcome RecursionLimit() => CustomCodeOutcome.NotEvaluated(CustomCodeFailure.RecursionLimit,
        Invariant($"custom code exceeded its recursion limit (a function may be on the call stack {_maxRecursionDepth} times, and the stack itself is bounded)"));

    /// <summary>Reads the sandbox's <c>collect()</c> JSON: <c>{type, shown, value?, explanation[]}</c>.</summary>
    private static CustomCodeOutcome Interpret(string collected, CustomCodeRequest request)
    {
        using var document = JsonDocument.Parse(collected);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        var shown = root.GetProperty("shown").GetString();
        var explanation = root.GetProperty("explanation").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
        var hasValue = root.TryGetProperty("value", out var value);

        switch (request.EvalType)
        {
            case CustomCodeEvalTypes.Binary when type == "boolean":
                var passed = value.GetBoolean();
                return new CustomCodeOutcome { Score = passed ? 1 : 0, Value = Json(passed), Explanation = explanation };
            case CustomCodeEvalTypes.Numeric when type == "number" && value.ValueKind == JsonValueKind.Number:
                return Number(value.GetDouble(), explanation);
            case CustomCodeEvalTypes.ContinuousQualitative when type == "number" && value.ValueKind == JsonValueKind.Number
                                                             && value.GetDouble() is >= 0 and <= 100:
                return Number(value.GetDouble(), explanation);
            case CustomCodeEvalTypes.Enum when type == "string" && hasValue && request.EnumValues.Contains(value.GetString(), StringComparer.Ordinal):
                var choice = value.GetString()!;
                return new CustomCodeOutcome { Enum = choice, Value = Json(choice), Explanation = explanation };
        }

        if (type == "undefined")
        {
            return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.MissingResult, "custom code did not set _result", explanation);
        }
        return CustomCodeOutcome.NotEvaluated(CustomCodeFailure.InvalidResult, $"custom code set _result to {shown}; {Needs(request)}", explanation);
    }

    private static CustomCodeOutcome Number(double number, IReadOnlyList<string> explanation) =>
        new() { Score = number, Value = Json(number), Explanation = explanation };

    private static string Needs(CustomCodeRequest request) => request.EvalType switch
    {
        CustomCodeEvalTypes.Binary => "a binary metric needs true or false",
        CustomCodeEvalTypes.Numeric => "a numeric metric needs a finite number",
        CustomCodeEvalTypes.ContinuousQualitative => "a continuous_qualitative metric needs a number from 0 to 100",
        _ when request.EnumValues.Count == 0 => "an enum metric needs one of its enum values, and this metric has none",
        _ => "an enum metric needs one of " + string.Join(", ", request.EnumValues.Take(10).Select(v => JsonSerializer.Serialize(v)))
             + (request.EnumValues.Count > 10 ? ", …" : ""),
    };

    private static string Duration(TimeSpan span) => span.TotalMilliseconds % 1000 == 0
        ? Invariant($"{span.TotalSeconds:0} s")
        : Invariant($"{span.TotalMilliseconds:0} ms");

    private static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string ReadResource(string name)
    {
        using var stream = typeof(CustomCodeRunner).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
