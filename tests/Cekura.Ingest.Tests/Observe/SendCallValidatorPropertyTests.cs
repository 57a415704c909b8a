using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Cekura.Ingest.Tests.Observe;

public sealed class SendCallValidatorPropertyTests
{
    private const int Cases = 3000;

    private static readonly string[] FieldNames =
    [
        "call_id", "trace_id", "agent", "assistant_id", "voice_recording", "voice_recording_url", "transcript_type",
        "transcript_json", "call_ended_reason", "customer_number", "metadata", "timestamp", "dynamic_variables",
        "feedback", "redact_fields", "metric_ids", "main_agent_channel_index",
    ];

    [Fact]
    public void Validate_never_throws_on_random_json_bodies()
    {
        var random = new RandomJson(7);
        int accepted = 0;
        for (var i = 0; i < Cases; i++)
        {
            var body = random.Random.Next(3) == 0 ? Requests.ValidJson() : new JsonObject();
            foreach (var field in Pick(random, FieldNames))
            {
                body[field] = field == "transcript_json" && random.Random.Next(2) == 0
                    ? random.Transcript()
                    : random.Value(1);
            }
            var json = body.ToJsonString();
            var outcome = Run(i, json, () => Requests.Json(json));
            accepted += outcome.Call is null ? 0 : 1;
            Assert.True((outcome.Call is null) == (outcome.Errors.Count > 0), json);
            Assert.All(outcome.Errors, e => Assert.NotEmpty(e.Value));
        }
        Assert.True(accepted > 10, $"only {accepted} random bodies were accepted");
    }

    [Fact]
    public void Validate_never_throws_on_random_forms()
    {
        var random = new RandomJson(11);
        for (var i = 0; i < Cases; i++)
        {
            var fields = random.Random.Next(3) == 0 ? Requests.ValidForm() : new Dictionary<string, StringValues>();
            foreach (var field in Pick(random, FieldNames))
            {
                fields[field] = random.Random.Next(5) switch
                {
                    0 => new StringValues([random.Text(), random.Text()]),
                    1 => random.Value()?.ToJsonString() ?? "null",
                    2 when field == "transcript_json" => random.Transcript()?.ToJsonString() ?? "",
                    _ => random.Text(),
                };
            }
            byte[]? recording = null;
            if (random.Random.Next(4) == 0)
            {
                recording = new byte[random.Random.Next(0, 80)];
                random.Random.NextBytes(recording);
            }
            var shown = string.Join("&", fields.Select(f => $"{f.Key}={f.Value}"));
            var outcome = Run(i, shown, () => Requests.Form(fields, recording));
            Assert.True((outcome.Call is null) == (outcome.Errors.Count > 0), shown);
        }
    }

    private static IEnumerable<string> Pick(RandomJson random, string[] names) =>
        names.Where(_ => random.Random.Next(3) == 0).Append(random.Text()).ToList();

    private static Outcome Run(int i, string input, Func<Outcome> validate)
    {
        try
        {
            return validate();
        }
        catch (Exception e)
        {
            Assert.Fail($"case {i}: {e.GetType().Name}: {e.Message}\n{input}");
            throw;
        }
    }
}
