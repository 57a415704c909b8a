using System.ComponentModel.DataAnnotations;

namespace Cekura.Hosting.Options;

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

/// <summary>
/// The message bus.
/// <code>
/// "Bus": { "Transport": "RabbitMq",
///          "RabbitMq": { "Host": "localhost", "Port": 5672, "Username": "guest", "Password": "guest", "VirtualHost": "/" },
///          "Retry": { "Limit": 5, "MinIntervalMs": 200, "MaxIntervalMs": 10000 },
///          "PrefetchCount": 32, "ConcurrentMessageLimit": 16 }
/// </code>
/// </summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;
    public RabbitMqOptions RabbitMq { get; set; } = new();
    public RetryOptions Retry { get; set; } = new();

    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 32;

    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";
    public ushort Port { get; set; } = 5672;
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
    public string VirtualHost { get; set; } = "/";
}

public sealed class RetryOptions
{
    [Range(0, 100)]
    public int Limit { get; set; } = 5;

    [Range(1, 3_600_000)]
    public int MinIntervalMs { get; set; } = 200;

    [Range(1, 3_600_000)]
    public int MaxIntervalMs { get; set; } = 10_000;
}
