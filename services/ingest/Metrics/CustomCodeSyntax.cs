using Acornima;

namespace Cekura.Ingest.Metrics;

/// <summary>
/// Checks a <c>custom_code</c> metric's JavaScript before it is stored, with the parser and the script options the
/// evaluation sandbox (Jint 4.18.0, which parses with this Acornima version) runs it with, so code accepted here
/// parses there and code refused here would fail there.
/// </summary>
public static class CustomCodeSyntax
{
    // Jint's ScriptParsingOptions.Default: top-level return (a metric may end early) and top-level `using`, with the
    // experimental features Jint's engine enables. Regular expression literals are validated as JavaScript ones (the
    // parser's default).
    private static readonly ParserOptions Options = new()
    {
        AllowReturnOutsideFunction = true,
        AllowTopLevelUsing = true,
        ExperimentalESFeatures = ExperimentalESFeatures.Decorators | ExperimentalESFeatures.SourcePhaseImports
            | ExperimentalESFeatures.DeferImportEvaluation,
    };

    /// <summary>Null when the code parses as a script; otherwise the first error with its 1-based line and column.</summary>
    public static string? Check(string code)
    {
        try
        {
            new Parser(Options).ParseScript(code);
            return null;
        }
        catch (ParseErrorException e)
        {
            return $"JavaScript syntax error at line {e.Error.LineNumber}, column {e.Error.Column + 1}: {e.Error.Description.TrimEnd('.')}.";
        }
        catch (InsufficientExecutionStackException)
        {
            // The parser recurses per nesting level and stops before the stack runs out; the sandbox could not run it either.
            return "The code is nested too deeply to parse.";
        }
    }
}
