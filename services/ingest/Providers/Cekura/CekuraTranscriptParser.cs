using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;

namespace Cekura.Ingest.Providers.Cekura;

/// <summary>
/// Cekura's own format (alias <c>vocera</c>): an array of <c>{role, content, start_time, end_time}</c> with the
/// four canonical roles only; function entries carry <c>data {id, name, arguments | result}</c>.
/// </summary>
public sealed class CekuraTranscriptParser : TranscriptParser
{
    public override IReadOnlyList<string> Types { get; } = [TranscriptTypes.Cekura, TranscriptTypes.Vocera];

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript)
    {
        if (transcript.ValueKind != JsonValueKind.Array)
        {
            throw new TranscriptFormatException(
                $"expected a JSON array of {{role, content, start_time, end_time}} entries, got {JsonValues.Describe(transcript)}");
        }
        var problems = new TranscriptProblems();
        var entries = ReadEntries<TranscriptEntry>(transcript, problems, static (item, _, output, entryProblems) =>
        {
            if (ParseEntry(item, entryProblems) is { } entry)
            {
                output.Add(entry);
            }
        });
        problems.ThrowIfAny();
        return TranscriptOrder.ByStartTime(entries);
    }

    private static TranscriptEntry? ParseEntry(JsonElement item, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"expected an object, got {JsonValues.Describe(item)}");
            return null;
        }

        var role = ReadRole(item, problems);
        var content = JsonValues.TryGetProperty(item, "content", out var c) ? ReadContent(c, problems) : "";
        var (start, end) = JsonValues.ReadStartEnd(item, problems);

        var data = role is TranscriptRoles.FunctionCall or TranscriptRoles.FunctionCallResult
            ? FunctionEntries.ReadData(item, role, isResult: role == TranscriptRoles.FunctionCallResult, problems)
            : null;
        if (role is TranscriptRoles.MainAgent or TranscriptRoles.TestingAgent && !JsonValues.TryGetProperty(item, "content", out _))
        {
            problems.Add("content is required for a speech turn");
        }
        if (problems.Count > 0 || role is null)
        {
            return null;
        }
        return new TranscriptEntry { Role = role, Content = content, StartTime = start, EndTime = end, Data = data };
    }

    private static string? ReadRole(JsonElement item, List<string> problems)
    {
        if (!JsonValues.TryGetProperty(item, "role", out var roleValue))
        {
            problems.Add("role is required");
            return null;
        }
        var role = roleValue.ValueKind == JsonValueKind.String ? roleValue.GetString()! : null;
        if (role is null || !TranscriptRoles.All.Contains(role))
        {
            var shown = role is null ? JsonValues.Describe(roleValue) : $"'{role}'";
            problems.Add($"role {shown} is not one of {string.Join(", ", TranscriptRoles.All.Select(r => $"'{r}'"))}");
            return null;
        }
        return role;
    }

    private static string ReadContent(JsonElement value, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }
        problems.Add($"content must be a string, got {JsonValues.Describe(value)}");
        return "";
    }
}
