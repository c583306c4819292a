using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace OutageAlerts.Storage;

/// <summary>
/// The one SQLite writer of the process: runs the writes handed to <see cref="IStore.WriteAsync{T}"/> on a thread of
/// its own, on one connection, and commits what is queued together.
/// </summary>
/// <remarks>
/// <para>
/// SQLite lets one connection write at a time. With every store call writing on its own pooled connection, writers
/// that found the lock taken slept in SQLite's busy handler (1, 2, 5, 10 … 100 ms) on thread-pool threads, and every
/// alert cost five to seven commits, each writing the pages it touched to the WAL again: about 150 KB and 68 write
/// calls per alert in the load harness (issue 10, docs/performance.md). Here writers queue without holding a thread,
/// and the writes that arrive while one commit is under way share the next: each in a savepoint of its own, so one
/// that fails is rolled back alone, and all of them complete once their common commit is durable.
/// </para>
/// <para>
/// Other processes on the same file (the ingestion and delivery roles run apart) still meet at SQLite's lock; the
/// busy timeout covers them, and only this thread waits in it.
/// </para>
/// </remarks>
internal sealed partial class SqliteWriter : IAsyncDisposable
{
    /// <summary>Writes committed together at most; a bound on how long the first of them waits for the commit.</summary>
    public const int MaxBatch = 64;

    /// <summary>
    /// WAL pages after which a commit of the writer checkpoints by itself (SQLite's default is 1,000): reached only when
    /// the checkpoint thread falls behind, as it normally runs every <see cref="CheckpointEveryCommits"/> commits.
    /// </summary>
    public const int BackstopCheckpointPages = 20_000;

    /// <summary>Commits after which the checkpoint thread is woken; it also runs every <see cref="CheckpointInterval"/>.</summary>
    public const int CheckpointEveryCommits = 32;

    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    private const string Savepoint = "write";

    // Set while a write runs, so that a write queued from inside another one fails at once instead of waiting for
    // the thread that is waiting for it.
    private static readonly AsyncLocal<SqliteWriter?> Running = new();

    private readonly Func<SqliteConnection> _open;
    private readonly ILogger _logger;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private readonly SemaphoreSlim _checkpointDue = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _thread;
    private Thread? _checkpointer;
    private SqliteConnection? _connection;
    private Savepoints? _savepoints;
    private int _commitsSinceCheckpoint;
    private int _disposed;

    public SqliteWriter(Func<SqliteConnection> open, ILogger logger)
    {
        _open = open;
        _logger = logger;
    }

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (Running.Value == this)
        {
            throw new InvalidOperationException(
                "A store write was started from inside another one; use the connection and transaction the outer write was given.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        var write = new Write<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The store is shutting down; the write was not queued.");
        }

        return write.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes the store once per registration that resolved it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        Thread? thread;
        Thread? checkpointer;
        lock (_startLock)
        {
            thread = _thread;
            checkpointer = _checkpointer;
        }

        if (thread is not null)
        {
            // What is already queued is still written; the thread ends once the queue is empty.
            await Task.Run(() => thread.Join(TimeSpan.FromSeconds(30)));
        }

        await _stopping.CancelAsync();
        if (checkpointer is not null)
        {
            await Task.Run(() => checkpointer.Join(TimeSpan.FromSeconds(30)));
        }

        CloseConnection();
        _stopping.Dispose();
        _checkpointDue.Dispose();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            if (_thread is null)
            {
                var checkpointer = new Thread(Checkpoints) { IsBackground = true, Name = StoreTelemetry.CheckpointerThreadName };
                checkpointer.UnsafeStart();
                _checkpointer = checkpointer;
                var thread = new Thread(Run) { IsBackground = true, Name = StoreTelemetry.WriterThreadName };
                // Not the first caller's execution context (its Activity.Current, its AsyncLocals): the thread serves everyone.
                thread.UnsafeStart();
                Volatile.Write(ref _thread, thread);
            }
        }
    }

    private void Run()
    {
        var batch = new List<IWrite>(MaxBatch);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Cancel();
                    continue;
                }

                batch.Add(write);
            }

            if (batch.Count > 0)
            {
                Commit(batch);
            }
        }
    }

    private void Commit(List<IWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var connection = _connection ??= _open();
            var savepoints = _savepoints ??= new Savepoints(connection);
            using var transaction = connection.BeginTransaction(deferred: false);
            Running.Value = this;
            try
            {
                if (batch.Count == 1)
                {
                    // Nothing to keep apart: a failure rolls the whole transaction back below.
                    batch[0].Run(connection, transaction);
                }
                else
                {
                    foreach (var write in batch)
                    {
                        savepoints.Save();
                        if (write.Run(connection, transaction))
                        {
                            savepoints.Release();
                        }
                        else
                        {
                            savepoints.RollBack();
                            savepoints.Release();
                        }
                    }
                }
            }
            finally
            {
                Running.Value = null;
            }

            if (batch.Count == 1 && batch[0].Failed)
            {
                transaction.Rollback();
            }
            else
            {
                transaction.Commit();
            }
        }
        catch (Exception ex)
        {
            // BEGIN, a savepoint or COMMIT failed (disk full, I/O error, another process's lock held past the busy
            // timeout): nothing of the batch is written, so every write in it fails with this error. The connection
            // may be unusable; the next batch opens a new one.
            LogBatchFailed(ex, batch.Count);
            CloseConnection();
            foreach (var write in batch)
            {
                write.Fail(ex);
            }

            return;
        }
        finally
        {
            StoreTelemetry.WriteBatch.Record(batch.Count);
            StoreTelemetry.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        foreach (var write in batch)
        {
            write.Complete();
        }

        if (++_commitsSinceCheckpoint >= CheckpointEveryCommits)
        {
            _commitsSinceCheckpoint = 0;
            _checkpointDue.Release();
        }
    }

    /// <summary>
    /// Copies committed WAL pages back into the database on a connection of its own. PASSIVE: it never waits for the
    /// writer or for readers, it copies what no reader still needs, and the writer starts the WAL over once all of it
    /// is copied, so the WAL stays a few megabytes however long the service runs.
    /// </summary>
    private void Checkpoints()
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    _checkpointDue.Wait(CheckpointInterval, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // One last checkpoint below, so that a clean stop leaves little in the WAL.
                }

                try
                {
                    connection ??= _open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                }
#pragma warning disable CA1031 // A failed checkpoint is tried again; the writer's backstop bounds the WAL meanwhile.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogCheckpointFailed(ex);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void CloseConnection()
    {
        _savepoints?.Dispose();
        _savepoints = null;
        _connection?.Dispose();
        _connection = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint failed; it is tried again")]
    private partial void LogCheckpointFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} store writes could not be committed; each of them fails")]
    private partial void LogBatchFailed(Exception exception, int count);

    /// <summary>
    /// The writer connection's kept statements: the savepoint commands around each write of a shared commit
    /// (SqliteTransaction.Save and Release prepare a new statement each time) and, through
    /// <see cref="StoreStatement.KeepStatements"/>, the statements the writes themselves make.
    /// </summary>
    private sealed class Savepoints : IDisposable
    {
        private readonly SqliteNativeStatement _save;
        private readonly SqliteNativeStatement _release;
        private readonly SqliteNativeStatement _rollBack;
        private readonly IDisposable _kept;

        public Savepoints(SqliteConnection connection)
        {
            _save = Prepare(connection, $"SAVEPOINT \"{Savepoint}\"");
            _release = Prepare(connection, $"RELEASE SAVEPOINT \"{Savepoint}\"");
            _rollBack = Prepare(connection, $"ROLLBACK TO SAVEPOINT \"{Savepoint}\"");
            _kept = StoreStatement.KeepStatements(connection);
        }

        // The transaction is the connection's: SQLite's savepoints need no command bound to it.
        public void Save() => _save.Execute();

        public void Release() => _release.Execute();

        public void RollBack() => _rollBack.Execute();

        public void Dispose()
        {
            _kept.Dispose();
            _save.Dispose();
            _release.Dispose();
            _rollBack.Dispose();
        }

        private static SqliteNativeStatement Prepare(SqliteConnection connection, string sql) =>
            SqliteNativeStatement.TryPrepare(connection, sql) ?? throw new InvalidOperationException($"'{sql}' did not prepare as one statement.");
    }

    private interface IWrite
    {
        CancellationToken CancellationToken { get; }

        bool Failed { get; }

        /// <summary>Runs the write; false when it threw (the exception is kept for <see cref="Complete"/>).</summary>
        bool Run(SqliteConnection connection, SqliteTransaction transaction);

        void Complete();

        void Fail(Exception exception);

        void Cancel();
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) : IWrite
    {
        // Callers continue on the thread pool, never on the writer's thread.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public CancellationToken CancellationToken => cancellationToken;

        public bool Failed => _error is not null;

        public bool Run(SqliteConnection connection, SqliteTransaction transaction)
        {
            try
            {
                // Microsoft.Data.Sqlite completes its "async" calls synchronously, so this rarely blocks; when a write
                // does await something else, the writer waits for it, as the transaction is still open.
                _result = work(connection, transaction, cancellationToken).GetAwaiter().GetResult();
                return true;
            }
#pragma warning disable CA1031 // The write's own failure belongs to its caller, not to the others in the batch.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _error = ex;
                return false;
            }
        }

        public void Complete()
        {
            if (_error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(cancellationToken);
            }
            else if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public void Fail(Exception exception) => _completion.TrySetException(_error ?? exception);

        public void Cancel() => _completion.TrySetCanceled(cancellationToken);
    }
}
