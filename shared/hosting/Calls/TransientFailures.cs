using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Data.Sqlite;
using MongoDB.Driver;
using RabbitMQ.Client.Exceptions;

namespace Cekura.Hosting.Calls;

/// <summary>
/// Tells an outage from poison. Transient: the store, the broker, the network or a backend was unavailable for a
/// while, so the same message can succeed later. Anything else (a bug, bad data) fails the same way every time and
/// is not worth minutes of redelivery.
/// </summary>
public static class TransientFailures
{
    // SQLite result codes (the low byte of the extended code) that describe the file or its lock, not the statement.
    private static readonly HashSet<int> TransientSqliteCodes =
    [
        5,  // SQLITE_BUSY
        6,  // SQLITE_LOCKED
        10, // SQLITE_IOERR
        13, // SQLITE_FULL
        14, // SQLITE_CANTOPEN
        15, // SQLITE_PROTOCOL
    ];

    public static bool IsTransient(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        StageRedeliveryException or BackendUnavailableException or Storage.StoreBusyException => true,
        // A timeout the code set itself (an HttpClient timeout, a command timeout), not a shutdown.
        TimeoutException or OperationCanceledException => true,
        IOException or SocketException => true,
        HttpRequestException http => http.StatusCode is null or >= HttpStatusCode.InternalServerError
            or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        SqliteException sqlite => TransientSqliteCodes.Contains(sqlite.SqliteErrorCode & 0xFF),
        MongoConnectionException or MongoExecutionTimeoutException or MongoNotPrimaryException
            or MongoNodeIsRecoveringException or MongoWaitQueueFullException => true,
        MongoException mongo when mongo.HasErrorLabel("RetryableWriteError") || mongo.HasErrorLabel("TransientTransactionError") => true,
        BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException => true,
        // MassTransit's own words for a broker it cannot reach (publish, send) or that did not answer.
        ConnectionException or TransportUnavailableException or RequestTimeoutException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}

/// <summary>
/// A stage failed on a transient error and its redelivery could not be scheduled either (the store was still down):
/// the fault consumer tries the scheduling again instead of failing the call.
/// </summary>
public sealed class StageRedeliveryException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A backend (speech-to-text, …) that the stage's own client already retried is unavailable: the stage is redelivered
/// at once, without the in-memory retries (they would only multiply the client's), and when the redeliveries are spent
/// the call fails with this message.
/// </summary>
public sealed class BackendUnavailableException(string message, Exception inner) : Exception(message, inner);
