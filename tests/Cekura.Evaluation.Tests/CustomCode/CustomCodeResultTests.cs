using System.Text.Json;
using Cekura.Evaluation.CustomCode;

namespace Cekura.Evaluation.Tests.CustomCode;

/// <summary>Scripts that behave: each eval_type read from <c>_result</c>, computed from the <c>data</c> fields.</summary>
public sealed class CustomCodeResultTests : IDisposable
{
    private readonly CustomCodeRunner _runner = new(new CustomCodeOptions());

    public void Dispose() => _runner.Dispose();

    private Task<CustomCodeOutcome> Run(string code, string evalType = CustomCodeEvalTypes.Numeric, IReadOnlyList<string>? enumValues = null) =>
        _runner.RunAsync(SampleCall.Request(code, evalType, enumValues), CancellationToken.None);

    [Fact]
    public async Task Numeric_result_counts_agent_turns_in_transcript_json()
    {
        var outcome = await Run("""
            const agentTurns = data.transcript_json.filter(e => e.role === 'Main Agent');
            _result = agentTurns.length;
            _explanation = `The agent spoke ${agentTurns.length} times.`;
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(3, outcome.Score);
        Assert.Equal(3, outcome.Value!.Value.GetDouble());
        Assert.Null(outcome.Enum);
        Assert.Equal(["The agent spoke 3 times."], outcome.Explanation);
    }

    [Theory]
    [InlineData("data.metadata.visits >= 3", true)]
    [InlineData("data.metadata.nested.x === 6", false)]
    public async Task Binary_result_scores_one_or_zero_with_a_boolean_value(string condition, bool expected)
    {
        var outcome = await Run($"_result = {condition};", CustomCodeEvalTypes.Binary);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(expected ? 1 : 0, outcome.Score);
        Assert.Equal(expected ? JsonValueKind.True : JsonValueKind.False, outcome.Value!.Value.ValueKind);
    }

    [Fact]
    public async Task Continuous_qualitative_result_reads_recording_speaking_segments()
    {
        var outcome = await Run("""
            const r = data.recording_data;
            const agent = r.main_speaking.reduce((sum, s) => sum + (s.end - s.start), 0);
            _result = 100 * agent / r.total_duration;
            _explanation = ['agent share of the recording', String(agent)];
            """, CustomCodeEvalTypes.ContinuousQualitative);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(100 * (1.5 + 1 + 1) / 10, outcome.Score!.Value, 9);
        Assert.Equal(["agent share of the recording", "3.5"], outcome.Explanation);
    }

    [Fact]
    public async Task Enum_result_is_one_of_the_metric_values()
    {
        var outcome = await Run("_result = data.metadata.tier;", CustomCodeEvalTypes.Enum, ["gold", "silver"]);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal("gold", outcome.Enum);
        Assert.Equal("gold", outcome.Value!.Value.GetString());
        Assert.Null(outcome.Score);
    }

    [Fact]
    public async Task Every_data_field_is_readable()
    {
        var outcome = await Run("""
            _explanation = [
              data.transcript.split('\n')[1],
              String(data.call_duration),
              data.call_end_reason,
              data.agent_description,
              data.dynamic_variables.customer_name,
              data.timestamp,
              data.metrics.find(m => m.name === 'Latency').score + ' ms',
              data.metrics.find(m => m.name === 'Call End Reason').enum,
              String(data.transcript_json.find(e => e.role === 'Function Call').data.arguments),
            ];
            _result = data.recording_data.testing_speaking.length;
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(2, outcome.Score);
        Assert.Equal(
        [
            "[00:02] Testing Agent: Hi, I need to book.", "10", "customer-ended-call", "A booking agent for a hair salon.",
            "Jane", "2026-03-04T10:30:00+00:00", "750 ms", "customer_ended", """{"time":"18:00"}""",
        ], outcome.Explanation);
    }

    [Theory]
    [InlineData("let _result = 4; let _explanation = 'lexical';")]
    [InlineData("const _result = 4; const _explanation = 'lexical';")]
    [InlineData("var _result = 4; var _explanation = 'lexical';")]
    [InlineData("globalThis._result = 4; globalThis._explanation = 'lexical';")]
    [InlineData("function f() { _result = 4; _explanation = 'lexical'; } f();")]
    public async Task Result_and_explanation_may_be_declared_or_assigned(string code)
    {
        var outcome = await Run(code);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(4, outcome.Score);
        Assert.Equal(["lexical"], outcome.Explanation);
    }

    [Fact]
    public async Task Explanation_entries_that_are_not_strings_are_turned_into_text_and_capped()
    {
        var outcome = await Run("""
            _result = 1;
            _explanation = [1, null, {a: 1}, 'x'.repeat(5000)].concat(Array.from({length: 40}, (_, i) => 'line ' + i));
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(20, outcome.Explanation.Count);
        Assert.Equal(["1", "null", "[object Object]"], outcome.Explanation.Take(3));
        Assert.Equal(new string('x', 1000) + "…", outcome.Explanation[3]);
        Assert.Equal("line 15", outcome.Explanation[19]);
    }

    [Fact]
    public async Task Built_ins_the_sandbox_replaces_behave_like_the_standard_ones()
    {
        var outcome = await Run("""
            const checks = {
              repeat: 'ab'.repeat(3) === 'ababab' && 'x'.repeat(0) === '',
              concat: 'a'.concat(1, null, [2, 3]) === 'a1null2,3',
              raw: String.raw`a\n${1}b` === 'a\\n1b',
              join: [1, null, undefined, [2, [3]]].join('-') === '1---2,3',
              cyclic: (() => { const a = [1]; a.push(a); return String(a) === '1,'; })(),
              locale: [1, 'b'].toLocaleString() === '1,b',
              flat: JSON.stringify([1, [2, [3, [4]]]].flat(2)) === '[1,2,3,[4]]' && [[1], [2]].flat().length === 2,
              replaceString: 'a-b-c'.replace('-', '+') === 'a+b-c' && 'a-b-c'.replaceAll('-', '+') === 'a+b+c',
              replaceRegex: 'John Smith'.replace(/(\w+)\s(\w+)/, '$2, $1') === 'Smith, John',
              replaceNamed: '2026-03'.replace(/(?<y>\d+)-(?<m>\d+)/, '$<m>/$<y>') === '03/2026',
              replaceSpecial: 'abc'.replace('b', "[$&|$`|$'|$$]") === 'a[b|a|c|$]c',
              replaceFunction: 'a1b22'.replace(/\d+/g, (m, offset) => `<${m.length}@${offset}>`) === 'a<1@1>b<2@3>',
              replaceAllNeedsGlobal: (() => { try { 'a'.replaceAll(/a/, 'b'); return false; } catch (e) { return e instanceof TypeError; } })(),
              stringify: JSON.stringify({b: [1, 'x', null, undefined, () => 1, NaN], a: {c: true}, d: undefined, e: new Date(0)})
                === '{"b":[1,"x",null,null,null,null],"a":{"c":true},"e":"1970-01-01T00:00:00.000Z"}',
              stringifyIndent: JSON.stringify({a: [1, {}], b: []}, null, 2) === '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}',
              stringifyReplacer: JSON.stringify({a: 1, b: 2, c: {a: 3}}, ['a', 'c']) === '{"a":1,"c":{"a":3}}'
                && JSON.stringify({a: 1, b: 'x'}, (k, v) => typeof v === 'number' ? v * 10 : v) === '{"a":10,"b":"x"}',
              stringifyBoxed: JSON.stringify([new Number(1), new String('s'), new Boolean(false)]) === '[1,"s",false]',
              stringifyCycle: (() => { const o = {}; o.o = o; try { JSON.stringify(o); return false; } catch (e) { return e instanceof TypeError; } })(),
              stringifyTop: JSON.stringify('q"') === '"q\\""' && JSON.stringify(undefined) === undefined,
            };
            const failed = Object.keys(checks).filter(k => checks[k] !== true);
            _result = failed.length;
            _explanation = failed;
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Empty(outcome.Explanation);
        Assert.Equal(0, outcome.Score);
    }

    /// <summary>The runner's warm-up metric must itself succeed, or it stops early and warms less than it should.</summary>
    [Fact]
    public async Task The_warm_up_metric_succeeds_on_a_call()
    {
        using var stream = typeof(CustomCodeRunner).Assembly.GetManifestResourceStream("Cekura.Evaluation.CustomCode.Warmup.js")!;
        var code = await new StreamReader(stream).ReadToEndAsync();

        var outcome = await Run(code, CustomCodeEvalTypes.Binary);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(1, outcome.Score);
    }

    [Fact]
    public async Task Each_run_gets_a_fresh_engine_so_prototype_pollution_does_not_leak_into_the_next_run()
    {
        var polluter = await Run("""
            Object.prototype.polluted = 1;
            Array.prototype.map = null;
            JSON.parse = () => ({});
            String.prototype.repeat = () => 'hijacked';
            globalThis.leftover = 'from the first run';
            _result = 1;
            """);
        var next = await Run("""
            _result = ({}).polluted === undefined && typeof [].map === 'function' && JSON.parse('{"a":1}').a === 1
              && 'ab'.repeat(2) === 'abab' && typeof leftover === 'undefined';
            """, CustomCodeEvalTypes.Binary);

        Assert.True(polluter.Evaluated, polluter.Error);
        Assert.True(next.Evaluated, next.Error);
        Assert.Equal(1, next.Score);
    }

    [Fact]
    public async Task Pollution_within_a_run_does_not_change_how_the_result_is_read()
    {
        var outcome = await Run("""
            Object.prototype.toJSON = () => 'polluted';
            Array.prototype.toJSON = () => 'polluted';
            Object.defineProperty(Object.prototype, 'get', { value: () => 1, configurable: true });
            Array.prototype[Symbol.iterator] = function* () { yield 'polluted'; };
            String.prototype.slice = () => 'polluted';
            JSON.stringify = () => '{"type":"number","shown":"99","value":99,"explanation":[]}';
            _result = 7;
            _explanation = ['kept'];
            """);

        Assert.True(outcome.Evaluated, outcome.Error);
        Assert.Equal(7, outcome.Score);
        Assert.Equal(["kept"], outcome.Explanation);
    }
}
