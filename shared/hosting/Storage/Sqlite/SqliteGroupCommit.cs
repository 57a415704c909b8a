using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Cekura.Hosting.Storage.Sqlite;

/// <summary>
/// Group commit for one SQLite file: callers queue small writes, and one writer commits whatever is queued in one
/// transaction, so many requests share one fsync (with <c>synchronous=FULL</c> the fsync, not the CPU, sets the pace
/// of single-row transactions). There is no timer: the writer takes what is queued, commits, and repeats, so an idle
/// store commits a lone write at once and a busy one gathers the writes that arrived during the previous fsync.
/// <para>
/// Each write runs inside its own savepoint: one that throws is rolled back alone and reports its own exception,
/// while the rest of the batch commits. A caller's task completes only after the transaction holding its write has
/// committed; if the commit itself fails, every write of that transaction reports the failure (none of them is stored).
/// </para>
/// </summary>
public sealed class SqliteGroupCommit : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// One write: runs on the writer's connection inside its transaction (set it on every command, or take the
    /// command from <see cref="SqliteWriterConnection.Prepared"/>, which does).
    /// </summary>
    public delegate Task<T> Write<T>(SqliteWriterConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken);

    private readonly Func<CancellationToken, Task<SqliteWriterConnection>> _open;
    private readonly Channel<PendingWrite> _queue;
    private readonly int _maxBatch;
    private readonly object _startLock = new();
    private Task? _writer;
    private SqliteWriterConnection? _connection; // the writer's own, used by the writer alone
    private long _transactions;
    private long _writes;

    /// <param name="open">Opens a connection to the file; the writer keeps it (and its prepared commands) while it
    /// works, and opens another only after a transaction failed.</param>
    /// <param name="maxBatch">Most writes in one transaction; 1 gives one transaction per write.</param>
    /// <param name="queueCapacity">Most writes waiting; callers beyond it wait for room.</param>
    public SqliteGroupCommit(Func<CancellationToken, Task<SqliteWriterConnection>> open, int maxBatch, int queueCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _open = open;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Transactions committed or attempted, and writes they carried: writes per transaction is the batching.</summary>
    public (long Transactions, long Writes) Counts => (Interlocked.Read(ref _transactions), Interlocked.Read(ref _writes));

    /// <summary>
    /// Queues <paramref name="write"/> and completes with its result once the transaction holding it has committed.
    /// Cancelling before the writer takes it skips the write; once taken, it runs and commits (the result is still
    /// awaited), so a cancelled caller never leaves a write whose fate it cannot know.
    /// </summary>
    public async Task<T> WriteAsync<T>(Write<T> write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(write, cancellationToken);
        EnsureWriterStarted();
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteGroupCommit), "The SQLite store is shutting down.");
        }
        return await pending.Task;
    }

    private void EnsureWriterStarted()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }
        lock (_startLock)
        {
            // Started on first use, so a database object that never writes costs nothing.
            _writer ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>(_maxBatch);
        try
        {
            await RunBatchesAsync(reader, batch);
        }
        finally
        {
            await CloseConnectionAsync();
        }
    }

    private async Task RunBatchesAsync(ChannelReader<PendingWrite> reader, List<PendingWrite> batch)
    {
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Cancel();
                    continue;
                }
                batch.Add(pending);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            var remaining = batch;
            while (remaining.Count > 0)
            {
                remaining = await CommitAsync(remaining);
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// Runs <paramref name="batch"/> in one transaction and completes its writes. Returns the writes to run again in a
    /// new transaction when one write made SQLite roll back the whole transaction (the failing write is completed
    /// with its error; the list shrinks every time, so this ends).
    /// </summary>
    private async Task<List<PendingWrite>> CommitAsync(List<PendingWrite> batch)
    {
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, batch.Count);
        try
        {
            var connection = _connection ??= await _open(CancellationToken.None);
            await using var transaction = SqliteDatabase.BeginWrite(connection);
            foreach (var pending in batch)
            {
                await connection.Prepared("SAVEPOINT " + Savepoint, transaction).ExecuteNonQueryAsync();
                try
                {
                    await pending.RunAsync(connection, transaction);
                    await connection.Prepared("RELEASE " + Savepoint, transaction).ExecuteNonQueryAsync();
                }
                catch (Exception e)
                {
                    pending.Failed(e);
                    if (!InTransaction(connection))
                    {
                        // Some errors (disk full, I/O) make SQLite roll back everything: the others go again.
                        pending.Complete();
                        return batch.Where(other => !ReferenceEquals(other, pending)).ToList();
                    }
                    await connection.Prepared("ROLLBACK TO " + Savepoint, transaction).ExecuteNonQueryAsync();
                    await connection.Prepared("RELEASE " + Savepoint, transaction).ExecuteNonQueryAsync();
                }
            }
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // BEGIN (a StoreBusyException when another writer kept the lock past the busy timeout) or COMMIT failed, or the
            // file could not be opened: nothing of this batch is stored. The next batch starts on a fresh connection, in case
            // this one is what broke.
            foreach (var pending in batch)
            {
                pending.Fail(e);
            }
            await CloseConnectionAsync();
            return [];
        }
        foreach (var pending in batch)
        {
            pending.Complete();
        }
        return [];
    }

    private const string Savepoint = "group_commit_write";

    private async Task CloseConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    private static bool InTransaction(SqliteConnection connection) => SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0;

    /// <summary>Stops taking writes and waits until every queued write has been committed (or has failed).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? writer;
        lock (_startLock)
        {
            writer = _writer;
        }
        if (writer is not null)
        {
            await writer;
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private abstract class PendingWrite(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract Task RunAsync(SqliteWriterConnection connection, SqliteTransaction transaction);

        /// <summary>Notes this write's own error; reported by <see cref="Complete"/> after the batch.</summary>
        public abstract void Failed(Exception error);

        /// <summary>Reports the write's result (or its own error): its transaction has committed.</summary>
        public abstract void Complete();

        /// <summary>Reports that the transaction holding the write did not commit.</summary>
        public abstract void Fail(Exception error);

        public abstract void Cancel();
    }

    private sealed class PendingWrite<T>(Write<T> write, CancellationToken cancellationToken) : PendingWrite(cancellationToken)
    {
        // Continuations run off the writer, so a caller's own work never delays the next batch.
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(SqliteWriterConnection connection, SqliteTransaction transaction)
        {
            _error = null;
            // The write is committed once taken, so the caller's token no longer applies to it.
            _result = await write(connection, transaction, CancellationToken.None);
        }

        public override void Failed(Exception error) => _error = error;

        public override void Complete()
        {
            if (_error is not null)
            {
                _done.TrySetException(_error);
            }
            else
            {
                _done.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception error) => _done.TrySetException(error);

        public override void Cancel() => _done.TrySetCanceled(CancellationToken);
    }
}
