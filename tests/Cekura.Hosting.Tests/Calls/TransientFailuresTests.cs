using System.Net;
using System.Net.Sockets;
using Cekura.Hosting.Calls;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Tests.Calls;

public sealed class TransientFailuresTests
{
    public static TheoryData<Exception> Outages() =>
    [
        new IOException("disk"),
        new TimeoutException(),
        new TaskCanceledException("HttpClient.Timeout"),
        new SocketException((int)SocketError.ConnectionRefused),
        new HttpRequestException("refused"),
        new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway),
        new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests),
        new SqliteException("database is locked", 5),
        new Cekura.Hosting.Storage.StoreBusyException("another writer held the lock", new SqliteException("database is locked", 5)),
        new SqliteException("disk I/O error", 10 | (3 << 8)),
        new InvalidOperationException("wrapped", new IOException("disk")),
        new AggregateException(new IOException("a"), new TimeoutException()),
        new MassTransit.RequestTimeoutException("no answer"),
        new RabbitMQ.Client.Exceptions.BrokerUnreachableException(new IOException("down")),
    ];

    public static TheoryData<Exception> Poison() =>
    [
        new InvalidOperationException("a bug"),
        new NullReferenceException(),
        new FormatException("bad data"),
        new HttpRequestException("bad request", null, HttpStatusCode.BadRequest),
        new SqliteException("no such column: x", 1),
        new SqliteException("constraint failed", 19),
        new AggregateException(new IOException("a"), new ArgumentException("b")),
    ];

    [Theory]
    [MemberData(nameof(Outages))]
    public void An_outage_is_transient(Exception exception) => Assert.True(TransientFailures.IsTransient(exception));

    [Theory]
    [MemberData(nameof(Poison))]
    public void A_bug_or_bad_data_is_poison(Exception exception) => Assert.False(TransientFailures.IsTransient(exception));
}
