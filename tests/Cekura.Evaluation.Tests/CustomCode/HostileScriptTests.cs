using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

/// <summary>
/// Scripts that try to run forever, exhaust memory or the stack, or reach the host: each must end as "not evaluated"
/// with the limit or error named, and the test process must survive them.
/// </summary>
public sealed class HostileScriptTests
{
    // A test that hangs is a failure too; this only bounds how long the suite waits for one (never asserted as a time).
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private static async Task<CustomCodeOutcome> Run(string code, CustomCodeOptions? options = null,
        string evalType = CustomCodeEvalTypes.Numeric, IReadOnlyList<string>? enumValues = null)
    {
        using var runner = new CustomCodeRunner(options ?? new CustomCodeOptions());
        return await runner.RunAsync(SampleCall.Request(code, evalType, enumValues), CancellationToken.None).WaitAsync(Hang);
    }

    private static void NotEvaluated(CustomCodeOutcome outcome, CustomCodeFailure failure, string error)
    {
        Assert.False(outcome.Evaluated);
        Assert.Equal(error, outcome.Error);
        Assert.Equal(failure, outcome.Failure);
        Assert.Null(outcome.Score);
        Assert.Null(outcome.Value);
    }

    /// <summary>The statement and memory limits are lifted so that the clock is what stops the loop (an awaiting loop allocates).</summary>
    private static CustomCodeOptions TimeOnly(int timeoutMs = 300) =>
        new() { TimeoutMs = timeoutMs, MaxStatements = int.MaxValue - 1, MemoryLimitMb = 4096 };

    [Theory]
    [InlineData("while (true) {}")]
    [InlineData("for (;;) { _result = 1; }")]
    [InlineData("try { while (true) {} } catch (e) { _result = 1; }")]
    [InlineData("try { while (true) {} } finally { _result = 1; }")]
    [InlineData("Promise.resolve().then(() => { for (;;) {} }); _result = 1;")]
    [InlineData("(async () => { for (;;) { await null; } })(); _result = 1;")]
    [InlineData("[3, 2, 1].sort(() => { for (;;) {} });")]
    [InlineData("Object.defineProperty(globalThis, '_result', { get() { for (;;) {} } });")]
    public async Task Infinite_loop_stops_at_the_time_limit(string code)
    {
        NotEvaluated(await Run(code, TimeOnly()), CustomCodeFailure.TimeLimit, "custom code exceeded its 300 ms time limit");
    }

    [Fact]
    public async Task Time_limit_in_whole_seconds_is_named_in_seconds()
    {
        NotEvaluated(await Run("while (true) {}", TimeOnly(1000)), CustomCodeFailure.TimeLimit, "custom code exceeded its 1 s time limit");
    }

    [Theory]
    [InlineData("for (;;) {}")]
    [InlineData("let i = 0; while (true) { i = 1; }")]
    [InlineData("try { for (;;) {} } catch { _result = 1; }")]
    public async Task Statement_flood_stops_at_the_statement_limit(string code)
    {
        NotEvaluated(await Run(code, new CustomCodeOptions { MaxStatements = 100_000, TimeoutMs = 600_000 }),
            CustomCodeFailure.StatementLimit, "custom code exceeded its limit of 100,000 statements");
    }

    [Theory]
    [InlineData("function f(n) { return f(n + 1) + 1; } f(0);")]
    [InlineData("function f(n) { return f(n + 1); } f(0);")]
    [InlineData("const f = () => 1 + f(); try { f(); } catch (e) { _result = 1; }")]
    [InlineData("function a() { b(); } function b() { a(); } a();")]
    [InlineData("const o = { get x() { return this.x; } }; o.x;")]
    [InlineData("const o = { toString() { return '' + this; } }; '' + o;")]
    [InlineData("const p = new Proxy({}, { get(t, k, r) { return r[k]; } }); p.x;")]
    [InlineData("function f() { return [1].map(f); } f();")]
    [InlineData("class A { constructor() { new A(); } } new A();")]
    [InlineData("const o = {}; o.toJSON = () => [o, o].map(x => JSON.stringify(x)); JSON.stringify(o);")]
    public async Task Unbounded_recursion_stops_at_the_recursion_limit(string code)
    {
        var outcome = await Run(code);

        NotEvaluated(outcome, CustomCodeFailure.RecursionLimit,
            "custom code exceeded its recursion limit (a function may be on the call stack 64 times, and the stack itself is bounded)");
    }

    [Fact]
    public async Task A_built_in_refused_before_it_builds_names_the_memory_limit_and_the_built_in()
    {
        NotEvaluated(await Run("'x'.repeat(2 ** 28);"), CustomCodeFailure.MemoryLimit,
            "custom code exceeded its 32 MB memory limit (RangeError: String.prototype.repeat would build more than 16777216 characters)");
    }

    [Theory]
    [InlineData("/^(a+)+$/.test('a'.repeat(40) + '!');")]
    [InlineData("'a'.repeat(40).concat('!').match(/^(a|aa)+$/);")]
    [InlineData("('x'.repeat(44) + 'y').replace(/(x+x+)+z/, '');")] // 30 x's sometimes finished inside the limit
    public async Task Catastrophic_regex_stops_at_the_regex_time_limit(string code)
    {
        NotEvaluated(await Run(code, new CustomCodeOptions { TimeoutMs = 600_000 }),
            CustomCodeFailure.RegexTimeLimit, "a regular expression in custom code exceeded its 100 ms time limit");
    }

    /// <summary>Only ECMAScript's own globals exist (minus those the sandbox removes), plus data, _result, _explanation.</summary>
    [Fact]
    public async Task Globals_are_only_ecmascript_built_ins_and_the_metric_variables()
    {
        var outcome = await Run("""
            const standard = new Set(['Infinity', 'NaN', 'undefined', 'globalThis', 'decodeURI', 'decodeURIComponent',
              'encodeURI', 'encodeURIComponent', 'escape', 'unescape', 'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
              'toString', 'AggregateError', 'Array', 'AsyncDisposableStack', 'AsyncIterator', 'BigInt', 'Boolean', 'Date',
              'DisposableStack', 'Error', 'EvalError', 'FinalizationRegistry', 'Function', 'Generator', 'Intl', 'Iterator',
              'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError', 'Reflect',
              'RegExp', 'Set', 'String', 'SuppressedError', 'Symbol', 'SyntaxError', 'Temporal', 'TypeError', 'URIError',
              'WeakMap', 'WeakRef', 'WeakSet', 'data', '_result', '_explanation']);
            const extra = Object.getOwnPropertyNames(globalThis).filter(n => !standard.has(n));
            const symbols = Object.getOwnPropertySymbols(globalThis).map(String);
            _explanation = extra.concat(symbols);
            _result = extra.length + symbols.length;
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Empty(outcome.Explanation);
        Assert.Equal(0, outcome.Score);
    }

    [Fact]
    public async Task Host_objects_timers_io_and_binary_data_are_absent()
    {
        var outcome = await Run("""
            const names = ['System', 'importNamespace', 'clrHelper', 'host', 'require', 'module', 'exports', 'process',
              'fetch', 'XMLHttpRequest', 'WebSocket', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask',
              'console', 'print', 'load', 'read', 'Deno', 'Bun', 'window', 'self', 'ArrayBuffer', 'SharedArrayBuffer',
              'DataView', 'Atomics', 'Uint8Array', 'Float64Array', 'TypedArray', 'ShadowRealm', 'WebAssembly'];
            const present = names.filter(n => typeof globalThis[n] !== 'undefined');
            if (typeof Intl.ListFormat !== 'undefined') present.push('Intl.ListFormat');
            _explanation = present;
            _result = present.length;
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Empty(outcome.Explanation);
        Assert.Equal(0, outcome.Score);
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd');", "ReferenceError: System is not defined")]
    [InlineData("importNamespace('System.IO');", "ReferenceError: importNamespace is not defined")]
    [InlineData("clrHelper.typeOf(1);", "ReferenceError: clrHelper is not defined")]
    [InlineData("require('fs').readFileSync('/etc/passwd');", "ReferenceError: require is not defined")]
    [InlineData("fetch('http://127.0.0.1/');", "ReferenceError: fetch is not defined")]
    [InlineData("new XMLHttpRequest();", "ReferenceError: XMLHttpRequest is not defined", 5)]
    [InlineData("setTimeout(() => {}, 0);", "ReferenceError: setTimeout is not defined")]
    [InlineData("new ArrayBuffer(2 ** 30);", "ReferenceError: ArrayBuffer is not defined", 5)]
    [InlineData("Atomics.wait(null, 0, 0);", "ReferenceError: Atomics is not defined")]
    public async Task Escape_attempts_through_missing_globals_throw_reference_errors(string code, string thrown, int column = 1)
    {
        NotEvaluated(await Run(code), CustomCodeFailure.ScriptError, $"custom code threw {thrown} at line 1, column {column}");
    }

    [Theory]
    [InlineData("this.constructor.constructor('return this')().System;")]
    [InlineData("eval('1 + 1');")]
    [InlineData("(0, eval)('1 + 1');")]
    [InlineData("new Function('return globalThis')();")]
    [InlineData("(() => {}).constructor('return 1')();")]
    [InlineData("(async function () {}).constructor('return 1')();")]
    [InlineData("(function* () {}).constructor('yield 1')();")]
    [InlineData("Reflect.construct(Function, ['return 1']);")]
    [InlineData("[].map.constructor('return 1')();")]
    public async Task Code_from_strings_cannot_be_compiled(string code)
    {
        var outcome = await Run(code);

        Assert.Equal(CustomCodeFailure.ScriptError, outcome.Failure);
        Assert.StartsWith("custom code threw ", outcome.Error);
        Assert.Contains("String compilation has been disabled", outcome.Error);
    }

    [Fact]
    public async Task Probing_the_global_object_and_prototypes_finds_no_host_objects()
    {
        var outcome = await Run("""
            const seen = new Set();
            const found = [];
            function probe(value, path, depth) {
              if (depth > 3 || value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
              seen.add(value);
              for (const key of Reflect.ownKeys(value)) {
                let child;
                try { child = value[key]; } catch { continue; }
                const name = path + '.' + String(key);
                if (typeof child === 'function' && /clr|interop|^host|^System$|namespace|^require$|^import/i.test(String(key))) found.push(name);
                probe(child, name, depth + 1);
              }
              probe(Object.getPrototypeOf(value), path + '.__proto__', depth + 1);
            }
            probe(globalThis, 'globalThis', 0);
            _explanation = found;
            _result = found.length;
            """, new CustomCodeOptions { MemoryLimitMb = 256, TimeoutMs = 600_000, MaxStatements = int.MaxValue - 1 });

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal([], outcome.Explanation);
    }

    [Fact]
    public async Task A_script_that_throws_gives_the_javascript_error_and_where()
    {
        NotEvaluated(await Run("const x = 1;\n\n  throw new Error('no agent turn found');"), CustomCodeFailure.ScriptError,
            "custom code threw Error: no agent turn found at line 3, column 9");
        NotEvaluated(await Run("_result = data.nothing.here;"), CustomCodeFailure.ScriptError,
            "custom code threw TypeError: Cannot read properties of undefined (reading 'here') at line 1, column 24");
        NotEvaluated(await Run("throw 'plain text';"), CustomCodeFailure.ScriptError, "custom code threw plain text at line 1, column 7");
        NotEvaluated(await Run("throw { code: 1 };"), CustomCodeFailure.ScriptError,
            "custom code threw an object that is not an Error at line 1, column 7");
    }

    [Fact]
    public async Task An_error_whose_message_getter_loops_still_ends_at_the_time_limit()
    {
        var outcome = await Run("class E extends Error { get message() { for (;;) {} } } throw new E();", TimeOnly());

        Assert.Equal(CustomCodeFailure.TimeLimit, outcome.Failure);
    }

    [Theory]
    [InlineData("var a = 1;\nvar b = {;", "custom code has a syntax error at line 2, column 10: Unexpected token ';'")]
    [InlineData("with (data) { _result = 1; }", "custom code has a syntax error at line 1, column 1: Strict mode code may not include a with statement")]
    [InlineData("_result = 010;", "custom code has a syntax error at line 1, column 11: Octal literals are not allowed in strict mode")]
    public async Task Syntax_errors_name_line_and_column(string code, string error)
    {
        NotEvaluated(await Run(code), CustomCodeFailure.SyntaxError, error);
    }

    [Theory]
    [InlineData("(")]
    [InlineData("[")]
    [InlineData("{")]
    [InlineData("-")]
    public async Task Code_nested_too_deeply_to_parse_is_refused_without_overflowing_the_stack(string opener)
    {
        var closer = opener switch { "(" => ")", "[" => "]", "{" => "}", _ => "" };
        var code = string.Concat(Enumerable.Repeat(opener, 90_000)) + "1" + string.Concat(Enumerable.Repeat(closer, 90_000));

        NotEvaluated(await Run(code, new CustomCodeOptions { MaxCodeLength = 1_000_000 }), CustomCodeFailure.SyntaxError,
            "custom code is nested too deeply to parse");
    }

    [Fact]
    public async Task Code_over_the_length_limit_is_not_run()
    {
        NotEvaluated(await Run("_result = 1; // " + new string('x', 200), new CustomCodeOptions { MaxCodeLength = 100 }),
            CustomCodeFailure.CodeTooLong, "custom code is 216 characters long; the limit is 100 (CustomCode__MaxCodeLength)");
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_a_metric_failure()
    {
        using var runner = new CustomCodeRunner(TimeOnly(600_000));
        using var cancel = new CancellationTokenSource();
        var run = runner.RunAsync(SampleCall.Request("while (true) {}"), cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Hang));
    }
}
