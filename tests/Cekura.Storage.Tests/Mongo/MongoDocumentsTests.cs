using System.Text.Json;
using Cekura.Contracts.Agents;
using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage.Mongo;
using MongoDB.Bson;
using static Cekura.Storage.Tests.SampleData;

namespace Cekura.Storage.Tests.Mongo;

/// <summary>
/// The JSON -> BSON -> JSON path of the Mongo stores, checked without a server: the numbers, strings and
/// client-supplied metadata a CallLog can hold must come back with the same values.
/// </summary>
public sealed class MongoDocumentsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2147483647")]
    [InlineData("2147483648")]
    [InlineData("9007199254740993")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    [InlineData("0.1")]
    [InlineData("-0.5")]
    [InlineData("0.30000000000000004")]
    [InlineData("123456.789")]
    [InlineData("4.333333333333333")]
    [InlineData("1E-07")]
    [InlineData("1e+20")]
    [InlineData("1.7976931348623157E+308")]
    [InlineData("5E-324")]
    [InlineData("3.0")]
    [InlineData("\"2025-03-04T05:06:07.1234567+02:00\"")]
    [InlineData("\"line\\nbreak \\\"quoted\\\" \\u00fc \\u2713 \\ud83d\\ude00\"")]
    [InlineData("\"{\\\"$date\\\":1}\"")]
    [InlineData("{\"$date\":1}")]
    [InlineData("{\"$numberLong\":\"not a number\"}")]
    [InlineData("{\"$oid\":\"x\",\"$regex\":\"a\"}")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[1,2.5,\"x\",[],{}]")]
    [InlineData("{\"nested\":{\"deeper\":[{\"a\":1}]}}")]
    public void Json_values_keep_their_value_through_bson(string json)
    {
        var original = Json($$"""{"v":{{json}}}""");

        var back = MongoDocuments.FromBson<JsonElement>(MongoDocuments.ToBson(original));

        Assert.True(JsonElement.DeepEquals(original, back), $"{original} came back as {back}");
    }

    [Fact]
    public void An_integer_beyond_long_is_stored_as_a_double_instead_of_failing()
    {
        var back = MongoDocuments.FromBson<JsonElement>(MongoDocuments.ToBson(Json("""{"v":12345678901234567890}""")));

        Assert.Equal(12345678901234567890d, back.GetProperty("v").GetDouble());
    }

    [Fact]
    public void Numbers_are_stored_as_bson_numbers_and_dates_as_strings()
    {
        var doc = MongoDocuments.ToBson(Json("""{"i":42,"l":9007199254740993,"d":0.1,"t":"2025-03-04T05:06:07+00:00"}"""));

        Assert.Equal(BsonType.Int32, doc["i"].BsonType);
        Assert.Equal(BsonType.Int64, doc["l"].BsonType);
        Assert.Equal(BsonType.Double, doc["d"].BsonType);
        Assert.Equal(BsonType.String, doc["t"].BsonType);
    }

    [Fact]
    public void A_full_call_log_round_trips_through_bson()
    {
        var call = FullCall() with { Id = 42, Version = 3 };

        var back = MongoDocuments.FromBson<CallLog>(MongoDocuments.ToBson(call));

        AssertSameJson(call, back);
        Assert.Equal(call.Timestamp.UtcTicks, back.Timestamp.UtcTicks);
        Assert.Equal(call.DurationSeconds, back.DurationSeconds);
        Assert.Equal(call.TranscriptObject[1].EndTime, back.TranscriptObject[1].EndTime);
    }

    [Fact]
    public void An_agent_without_assistant_id_round_trips_through_bson()
    {
        var agent = Agent(assistantId: null) with { Id = 5 };

        AssertSameJson(agent, MongoDocuments.FromBson<Agent>(MongoDocuments.ToBson(agent)));
    }
}
