using System.Buffers;
using System.Text.Json;
using Cekura.Contracts;
using MongoDB.Bson;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// The stored model as a BSON sub-document holding the same snake_case JSON the SQLite store keeps, so both
/// stores share one serializer and no BSON class maps exist. The JSON tree is mapped by hand rather than
/// through <c>BsonDocument.Parse</c> and <c>ToJson()</c>: Parse turns client metadata such as
/// <c>{"$date": …}</c> into BSON dates (or throws on <c>{"$numberLong": "x"}</c>), and the driver's relaxed
/// JSON writes doubles with 17 digits (0.1 comes back as 0.10000000000000001 inside JsonElement metadata).
/// Integers become Int32/Int64, other numbers Double (written back in shortest form); dates stay ISO strings.
/// </summary>
internal static class MongoDocuments
{
    public static BsonDocument ToBson<T>(T value) =>
        ToBsonValue(JsonSerializer.SerializeToElement(value, CekuraJson.Options)).AsBsonDocument;

    public static T FromBson<T>(BsonDocument document)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, document);
        }
        return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, CekuraJson.Options)!;
    }

    /// <summary>An integer as <see cref="ToBson{T}"/> writes it inside a document (Int32 when it fits), for queries on it.</summary>
    public static BsonValue Integer(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)value) : new BsonInt64(value);

    /// <summary>A value as <see cref="ToBson{T}"/> writes it inside a document (a date becomes its ISO string).</summary>
    public static BsonValue Value<T>(T value) => ToBsonValue(JsonSerializer.SerializeToElement(value, CekuraJson.Options));

    public static BsonValue UnixMs(DateTimeOffset? value) =>
        value is { } v ? new BsonInt64(v.ToUnixTimeMilliseconds()) : BsonNull.Value;

    private static BsonValue ToBsonValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var document = new BsonDocument();
                foreach (var property in element.EnumerateObject())
                {
                    document.Add(property.Name, ToBsonValue(property.Value));
                }
                return document;
            case JsonValueKind.Array:
                return new BsonArray(element.EnumerateArray().Select(ToBsonValue));
            case JsonValueKind.String:
                return new BsonString(element.GetString()!);
            case JsonValueKind.Number:
                return element.TryGetInt32(out var i) ? new BsonInt32(i)
                    : element.TryGetInt64(out var l) ? new BsonInt64(l)
                    : new BsonDouble(element.GetDouble());
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            default:
                return BsonNull.Value;
        }
    }

    private static void Write(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.Document:
                writer.WriteStartObject();
                foreach (var element in value.AsBsonDocument)
                {
                    writer.WritePropertyName(element.Name);
                    Write(writer, element.Value);
                }
                writer.WriteEndObject();
                break;
            case BsonType.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsBsonArray)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case BsonType.String:
                writer.WriteStringValue(value.AsString);
                break;
            case BsonType.Int32:
                writer.WriteNumberValue(value.AsInt32);
                break;
            case BsonType.Int64:
                writer.WriteNumberValue(value.AsInt64);
                break;
            case BsonType.Double:
                writer.WriteNumberValue(value.AsDouble);
                break;
            case BsonType.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonType.Null:
                writer.WriteNullValue();
                break;
            default:
                // Only documents edited outside this store can hold other BSON types.
                throw new FormatException($"Unexpected BSON {value.BsonType} in a stored document.");
        }
    }
}
