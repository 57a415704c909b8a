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
///          "Redelivery": { "Limit": 10, "MinIntervalSeconds": 15, "MaxIntervalSeconds": 120 },
///          "PrefetchCount": 32, "ConcurrentMessageLimit": 16 }
/// </code>
/// </summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;
    public RabbitMqOptions RabbitMq { get; set; } = new();
    public RetryOptions Retry { get; set; } = new();
    public RedeliveryOptions Redelivery { get; set; } = new();

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

/// <summary>
/// The second level: once the in-memory retries are spent on a transient error (store, broker, I/O, timeout, a
/// backend's 5xx), the call records when to try again and the outbox relay re-drives it then. Delays double from
/// <see cref="MinIntervalSeconds"/> up to <see cref="MaxIntervalSeconds"/>; with the defaults the last redelivery
/// comes about 16 minutes after the first failure, so an outage of ten minutes heals. Poison (any other error) is
/// not redelivered: it goes to the error queue and the call records why.
/// </summary>
public sealed class RedeliveryOptions
{
    /// <summary>Redeliveries per stage before the call is failed; 0 turns the second level off.</summary>
    [Range(0, 1000)]
    public int Limit { get; set; } = 10;

    [Range(0.01, 86400)]
    public double MinIntervalSeconds { get; set; } = 15;

    [Range(0.01, 86400)]
    public double MaxIntervalSeconds { get; set; } = 120;

    /// <summary>The wait before redelivery number <paramref name="done"/> + 1 (0-based count of those already made).</summary>
    public TimeSpan Delay(int done) =>
        TimeSpan.FromSeconds(Math.Min(MaxIntervalSeconds, MinIntervalSeconds * Math.Pow(2, Math.Min(done, 30))));
}
