using System.Text.Json.Nodes;

namespace Cekura.Ingest.Tests;

/// <summary>
/// Seeded random JSON for property tests: nested objects and arrays, strings, numbers, booleans and nulls, biased
/// towards what a transcript or a Send Calls body looks like so the interesting branches are reached.
/// </summary>
public sealed class RandomJson(int seed)
{
    private static readonly string[] TranscriptKeys = ["role", "content", "start_time", "end_time", "data", "id", "name", "arguments", "result"];
    private static readonly string[] Roles = ["Main Agent", "Testing Agent", "Function Call", "Function Call Result", "agent", "user", ""];

    private static readonly string[] Strings =
    [
        "", " ", "0", "-1", "1.5", "1e400", "NaN", "Infinity", "-0", "[]", "{}", "[", "{\"a\":", "null", "true",
        "ssn,dob", "[\"ssn\",\"dob\"]", "1,2,99", "2024-03-15T10:15:45Z", "2024-03-15T10:15:45+14:00", "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00", "https://example.com/a.mp3", "ftp://x", "//host/path", "http://", "none-mono", "CEKURA",
        "vapi", "00000000000000000000000000000000", "4BF92F3577B34DA6A3CE929D0E0E4736", "\u0000", "\ud83d\ude00", "é",
        "[{\"role\":\"Main Agent\",\"content\":\"x\",\"start_time\":\"1\",\"end_time\":0}]",
    ];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    public JsonNode? Value(int depth = 0) => _random.Next(depth >= 4 ? 5 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => Number(),
        3 or 4 => JsonValue.Create(Text()),
        5 or 6 => Array(depth),
        _ => Object(depth),
    };

    public JsonNode Number() => _random.Next(6) switch
    {
        0 => JsonValue.Create(_random.Next(-3, 3)),
        1 => JsonValue.Create(_random.NextDouble() * 100 - 10),
        2 => JsonValue.Create(long.MaxValue),
        3 => JsonNode.Parse("1e308")!,
        4 => JsonNode.Parse("123456789012345678901234567890")!,
        _ => JsonValue.Create(-_random.NextDouble()),
    };

    public string Text() => _random.Next(4) switch
    {
        0 => new string((char)_random.Next(32, 127), _random.Next(0, 120)),
        _ => Strings[_random.Next(Strings.Length)],
    };

    public JsonArray Array(int depth)
    {
        var array = new JsonArray();
        var count = _random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            array.Add(_random.Next(3) == 0 ? Entry(depth + 1) : Value(depth + 1));
        }
        return array;
    }

    public JsonObject Object(int depth)
    {
        var obj = new JsonObject();
        var count = _random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            var key = _random.Next(2) == 0 ? TranscriptKeys[_random.Next(TranscriptKeys.Length)] : Text();
            obj[key] = Value(depth + 1);
        }
        return obj;
    }

    /// <summary>Something close to a transcript entry: usually a valid role, sometimes odd times, content or data.</summary>
    public JsonObject Entry(int depth)
    {
        var entry = new JsonObject();
        if (_random.Next(8) != 0)
        {
            entry["role"] = _random.Next(4) == 0 ? Value(depth + 1) : Roles[_random.Next(Roles.Length)];
        }
        if (_random.Next(6) != 0)
        {
            entry["content"] = _random.Next(4) == 0 ? Value(depth + 1) : Text();
        }
        foreach (var time in new[] { "start_time", "end_time" })
        {
            if (_random.Next(3) != 0)
            {
                entry[time] = _random.Next(3) switch
                {
                    0 => Value(depth + 1),
                    1 => JsonValue.Create(_random.Next(0, 2) == 0 ? Text() : _random.Next(0, 30).ToString()),
                    _ => Number(),
                };
            }
        }
        if (_random.Next(3) == 0)
        {
            entry["data"] = _random.Next(2) == 0
                ? Value(depth + 1)
                : new JsonObject { ["id"] = Value(depth + 2), ["name"] = Value(depth + 2), ["arguments"] = Value(depth + 2), ["result"] = Value(depth + 2) };
        }
        return entry;
    }

    /// <summary>A well-formed entry: a canonical role, string content, ordered times, function data when needed.</summary>
    public JsonObject ValidEntry(double start)
    {
        var role = Roles[_random.Next(4)];
        var entry = new JsonObject { ["role"] = role, ["content"] = Text() };
        if (_random.Next(5) != 0)
        {
            entry["start_time"] = start;
            entry["end_time"] = start + _random.NextDouble() * 3;
        }
        if (role.StartsWith("Function"))
        {
            entry["data"] = new JsonObject { ["id"] = "call_" + _random.Next(5), ["name"] = "tool", ["arguments"] = Text(), ["result"] = Value(2) };
        }
        return entry;
    }

    /// <summary>A transcript-like array: from all well-formed entries to all junk, so both outcomes are common.</summary>
    public JsonNode? Transcript()
    {
        if (_random.Next(10) == 0)
        {
            return Value();
        }
        var noise = new[] { 0, 0, 5, 30, 100 }[_random.Next(5)];
        var array = new JsonArray();
        var count = _random.Next(0, 30);
        var start = 0.0;
        for (var i = 0; i < count; i++)
        {
            start += _random.NextDouble() * 4 - 0.5;
            array.Add(_random.Next(100) >= noise ? ValidEntry(Math.Max(0, start))
                : _random.Next(10) == 0 ? Value(1) : Entry(1));
        }
        return array;
    }
}
