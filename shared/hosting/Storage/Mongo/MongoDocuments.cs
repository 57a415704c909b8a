using System.Text.Json;
using Cekura.Contracts;
using MongoDB.Bson;
using MongoDB.Bson.IO;

namespace Cekura.Hosting.Storage.Mongo;

/// <summary>
/// The stored model as a BSON sub-document: the same snake_case JSON the SQLite store keeps, so both stores
/// share one serializer and no BSON class maps exist. Numbers keep their values (ints become Int32/Int64,
/// fractions Double); dates stay ISO strings.
/// </summary>
internal static class MongoDocuments
{
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public static BsonDocument ToBson<T>(T value) => BsonDocument.Parse(JsonSerializer.Serialize(value, CekuraJson.Options));

    public static T FromBson<T>(BsonDocument doc) => JsonSerializer.Deserialize<T>(doc.ToJson(RelaxedJson), CekuraJson.Options)!;

    public static BsonValue UnixMs(DateTimeOffset? value) =>
        value is { } v ? new BsonInt64(v.ToUnixTimeMilliseconds()) : BsonNull.Value;
}
