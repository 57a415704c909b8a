namespace Cekura.LoadGenerator.Calls;

/// <summary>One speech turn of a generated conversation, in seconds from the start of the call.</summary>
public sealed record Turn(bool IsAgent, string Text, double Start, double End);
