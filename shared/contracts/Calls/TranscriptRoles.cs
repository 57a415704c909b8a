namespace Cekura.Contracts.Calls;

/// <summary>The only role strings of the canonical transcript.</summary>
public static class TranscriptRoles
{
    public const string MainAgent = "Main Agent";
    public const string TestingAgent = "Testing Agent";
    public const string FunctionCall = "Function Call";
    public const string FunctionCallResult = "Function Call Result";

    public static readonly IReadOnlyList<string> All = [MainAgent, TestingAgent, FunctionCall, FunctionCallResult];
}
