using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cekura.EndToEnd.Tests.Support;

/// <summary>One data point as exported: a sum or gauge's value, or a histogram's count and sum.</summary>
public sealed record ExportedPoint(
    string Metric, string Kind, string? Unit, IReadOnlyDictionary<string, string> Attributes, double Value, ulong Count, ulong TimeUnixNano)
{
    public string? Tag(string key) => Attributes.GetValueOrDefault(key);
}

/// <summary>
/// An OTLP/HTTP collector on a free loopback port: <c>POST /v1/metrics</c> bodies (binary protobuf) are decoded into
/// <see cref="ExportedPoint"/>s; every other signal is accepted and dropped. The protobuf wire format is read field by
/// field with Google.Protobuf's <see cref="CodedInputStream"/> (field numbers from opentelemetry-proto's
/// <c>metrics/v1/metrics.proto</c>), so no generated types are needed.
/// </summary>
public sealed class OtlpMetricsReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpMetricsReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ExportedPoint> Points { get; } = new();

    /// <summary>Export requests that could not be decoded; a test asserts there are none.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public int MetricRequests => _metricRequests;

    private int _metricRequests;

    public string BaseUrl => _app.Urls.Single();

    public static async Task<OtlpMetricsReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpMetricsReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The latest point of each series (metric and attributes): with cumulative temporality, the running totals.</summary>
    public IReadOnlyList<ExportedPoint> Latest(string metric) =>
        Points.Where(p => p.Metric == metric)
            .GroupBy(p => string.Join(",", p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")))
            .Select(g => g.MaxBy(p => p.TimeUnixNano)!)
            .ToList();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (context.Request.Path == "/v1/metrics")
        {
            Interlocked.Increment(ref _metricRequests);
            try
            {
                foreach (var point in Decode(ByteString.CopyFrom(body.ToArray())))
                {
                    Points.Enqueue(point);
                }
            }
            catch (InvalidProtocolBufferException e)
            {
                Errors.Enqueue(e.Message);
            }
        }
        // An empty ExportMetricsServiceResponse (no partial_success) is an empty protobuf message.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>ExportMetricsServiceRequest { 1: repeated ResourceMetrics }.</summary>
    internal static List<ExportedPoint> Decode(ByteString request)
    {
        var points = new List<ExportedPoint>();
        // ResourceMetrics { 2: repeated ScopeMetrics }; ScopeMetrics { 2: repeated Metric }.
        foreach (var resource in Fields(request, 1))
        {
            foreach (var scope in Fields(resource, 2))
            {
                foreach (var metric in Fields(scope, 2))
                {
                    points.AddRange(DecodeMetric(metric));
                }
            }
        }
        return points;
    }

    /// <summary>Metric { 1: name, 3: unit, 5: Gauge, 7: Sum, 9: Histogram }, each holding { 1: repeated data points }.</summary>
    private static IEnumerable<ExportedPoint> DecodeMetric(ByteString metric)
    {
        var name = Fields(metric, 1).Select(b => b.ToStringUtf8()).Single();
        var unit = Fields(metric, 3).Select(b => b.ToStringUtf8()).SingleOrDefault();
        foreach (var (field, kind) in new[] { (5, "gauge"), (7, "sum"), (9, "histogram") })
        {
            foreach (var data in Fields(metric, field))
            {
                foreach (var point in Fields(data, 1))
                {
                    yield return kind == "histogram" ? HistogramPoint(name, unit, point) : NumberPoint(name, kind, unit, point);
                }
            }
        }
    }

    /// <summary>NumberDataPoint { 7: attributes, 3: time (fixed64), 4: as_double, 6: as_int (sfixed64) }.</summary>
    private static ExportedPoint NumberPoint(string name, string kind, string? unit, ByteString point)
    {
        var attributes = new Dictionary<string, string>();
        double value = 0;
        ulong time = 0;
        ForEachField(point, (field, input) =>
        {
            switch (field)
            {
                case 7: AddAttribute(attributes, input.ReadBytes()); return true;
                case 3: time = input.ReadFixed64(); return true;
                case 4: value = input.ReadDouble(); return true;
                case 6: value = input.ReadSFixed64(); return true;
                default: return false;
            }
        });
        return new ExportedPoint(name, kind, unit, attributes, value, 0, time);
    }

    /// <summary>HistogramDataPoint { 9: attributes, 3: time (fixed64), 4: count (fixed64), 5: sum (double) }.</summary>
    private static ExportedPoint HistogramPoint(string name, string? unit, ByteString point)
    {
        var attributes = new Dictionary<string, string>();
        double sum = 0;
        ulong count = 0, time = 0;
        ForEachField(point, (field, input) =>
        {
            switch (field)
            {
                case 9: AddAttribute(attributes, input.ReadBytes()); return true;
                case 3: time = input.ReadFixed64(); return true;
                case 4: count = input.ReadFixed64(); return true;
                case 5: sum = input.ReadDouble(); return true;
                default: return false;
            }
        });
        return new ExportedPoint(name, "histogram", unit, attributes, sum, count, time);
    }

    /// <summary>KeyValue { 1: key, 2: AnyValue { 1: string, 2: bool, 3: int, 4: double } }, kept as text.</summary>
    private static void AddAttribute(Dictionary<string, string> attributes, ByteString keyValue)
    {
        var key = Fields(keyValue, 1).Select(b => b.ToStringUtf8()).Single();
        string value = "";
        foreach (var any in Fields(keyValue, 2))
        {
            ForEachField(any, (field, input) =>
            {
                switch (field)
                {
                    case 1: value = input.ReadString(); return true;
                    case 2: value = input.ReadBool() ? "true" : "false"; return true;
                    case 3: value = input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture); return true;
                    case 4: value = input.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture); return true;
                    default: return false;
                }
            });
        }
        attributes[key] = value;
    }

    /// <summary>The length-delimited values of one field number (sub-messages, strings), in order.</summary>
    private static List<ByteString> Fields(ByteString message, int number)
    {
        var values = new List<ByteString>();
        ForEachField(message, (field, input) =>
        {
            if (field != number)
            {
                return false;
            }
            values.Add(input.ReadBytes());
            return true;
        });
        return values;
    }

    /// <summary>Calls <paramref name="read"/> for each field; a field it does not read (returns false) is skipped.</summary>
    private static void ForEachField(ByteString message, Func<int, CodedInputStream, bool> read)
    {
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!read(WireFormat.GetTagFieldNumber(tag), input))
            {
                input.SkipLastField();
            }
        }
    }
}
