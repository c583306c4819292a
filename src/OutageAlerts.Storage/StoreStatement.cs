using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OutageAlerts.Storage;

/// <summary>
/// One SQL statement with its parameters, for the writes every alert makes. On the SQLite writer's connection it is
/// prepared once and kept for the life of that connection; elsewhere (PostgreSQL, read connections) it is a plain
/// command used once.
/// </summary>
/// <remarks>
/// <para>
/// Dapper creates, prepares and binds a new command per call: with Microsoft.Data.Sqlite, which keeps no statement
/// cache, that is SQLite's parser and code generator plus Dapper's parameter building for every statement, about
/// 23 µs against 7 µs for a kept statement whose parameter values are set again (issue 10, docs/performance.md). All
/// of it ran on the one writer thread, which every write of the process waits for. A kept statement of one SQL
/// statement runs on SQLite's own interface (<see cref="SqliteNativeStatement"/>), which spares the writer
/// Microsoft.Data.Sqlite's binding work per execution as well.
/// </para>
/// <para>
/// Bind the parameters in the same order on every use: a kept statement reuses its parameter objects by position
/// and checks the names. Not thread-safe, like the writer connection it belongs to.
/// </para>
/// </remarks>
public sealed class StoreStatement : IDisposable
{
    private static readonly ConditionalWeakTable<DbConnection, StatementCache> Caches = new();

    private readonly DbCommand _command;
    private readonly bool _kept;
    private readonly SqliteNativeStatement? _native;
    private int _bound;

    private StoreStatement(DbCommand command, bool kept, SqliteNativeStatement? native = null)
    {
        _command = command;
        _kept = kept;
        _native = native;
    }

    /// <summary>
    /// The statement <paramref name="sql"/> on <paramref name="connection"/>: the kept one on a connection that keeps
    /// statements (<see cref="KeepStatements"/>), otherwise a new command that is disposed once executed.
    /// </summary>
    public static StoreStatement For(DbConnection connection, DbTransaction? transaction, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(sql);
        StoreStatement statement;
        if (Caches.TryGetValue(connection, out var cache))
        {
            statement = cache.Get(connection, sql);
        }
        else
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            statement = new StoreStatement(command, kept: false);
        }

        if (statement._native is null)
        {
            statement._command.Transaction = transaction;
        }
        else
        {
            statement._native.Restart();
        }

        statement._bound = 0;
        return statement;
    }

    /// <summary>
    /// Makes <paramref name="connection"/> keep the statements made for it until the returned handle is disposed (which
    /// disposes them). For a connection that lives long and is used by one thread at a time: the SQLite writer's.
    /// </summary>
    public static IDisposable KeepStatements(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var cache = new StatementCache(connection);
        Caches.AddOrUpdate(connection, cache);
        return cache;
    }

    public StoreStatement Bind(string name, string? value) => Set(name, DbType.String, value);

    public StoreStatement Bind(string name, long? value) => Set(name, DbType.Int64, value);

    public StoreStatement Bind(string name, int? value) => Set(name, DbType.Int64, (long?)value);

    /// <summary>
    /// Binds text that is already UTF-8, such as a document from <c>JsonSerializer.SerializeToUtf8Bytes</c>: the
    /// SQLite writer hands the bytes to SQLite as they are, elsewhere they are decoded to a string first. Serialising
    /// straight to UTF-8 spares the transcoding to a string of twice the size and back (issue 10).
    /// </summary>
    public StoreStatement BindUtf8(string name, byte[]? utf8)
    {
        if (_native is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            _native.Set(name, utf8);
            return this;
        }

        return Set(name, DbType.String, utf8 is null ? null : Encoding.UTF8.GetString(utf8));
    }

    /// <summary>
    /// <see cref="BindUtf8(string, byte[])"/> for text held as memory: a whole array is bound as it is, a slice is copied.
    /// </summary>
    public StoreStatement BindUtf8(string name, ReadOnlyMemory<byte> utf8) =>
        BindUtf8(
            name,
            MemoryMarshal.TryGetArray(utf8, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : utf8.ToArray());

    /// <summary>Runs the statement; the number of rows it changed.</summary>
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (_native is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _native.Execute();
        }

        CheckAllBound();
        try
        {
            return await _command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Runs the statement; the first column of its first row, or null without a row or for SQL NULL.</summary>
    public async Task<object?> ScalarAsync(CancellationToken cancellationToken)
    {
        if (_native is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _native.Scalar();
        }

        CheckAllBound();
        try
        {
            var value = await _command.ExecuteScalarAsync(cancellationToken);
            return value is DBNull ? null : value;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// Runs the statement and reads each row with <paramref name="read"/>, by column position in the order the SQL
    /// names them: the reads every report makes, which Dapper prepared and mapped anew each time (issue 10).
    /// </summary>
    public async Task<List<T>> QueryAsync<T>(Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_native is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _native.Query(read);
        }

        CheckAllBound();
        try
        {
            var rows = new List<T>();
            await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Disposes a statement that is not kept; for one built and then not executed.</summary>
    public void Dispose() => Release();

    private StoreStatement Set(string name, DbType type, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_native is not null)
        {
            _native.Set(name, value);
            return this;
        }

        var parameters = _command.Parameters;
        DbParameter parameter;
        if (_bound < parameters.Count)
        {
            parameter = parameters[_bound];
            if (!string.Equals(parameter.ParameterName, name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Parameter {_bound} of a kept statement is '{parameter.ParameterName}', not '{name}': bind the parameters in the same order every time.");
            }
        }
        else
        {
            parameter = _command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameters.Add(parameter);
        }

        parameter.Value = value ?? DBNull.Value;
        _bound++;
        return this;
    }

    private void CheckAllBound()
    {
        if (_bound != _command.Parameters.Count)
        {
            throw new InvalidOperationException(
                $"The statement was given {_bound} parameters, but it was first used with {_command.Parameters.Count}.");
        }
    }

    private void Release()
    {
        if (!_kept)
        {
            _command.Dispose();
        }
    }

    private sealed class StatementCache(DbConnection connection) : IDisposable
    {
        private readonly Dictionary<string, StoreStatement> _statements = new(StringComparer.Ordinal);

        public StoreStatement Get(DbConnection owner, string sql)
        {
            if (!_statements.TryGetValue(sql, out var statement))
            {
                var command = owner.CreateCommand();
                command.CommandText = sql;
                var native = owner is SqliteConnection sqlite ? SqliteNativeStatement.TryPrepare(sqlite, sql) : null;
                statement = new StoreStatement(command, kept: true, native);
                _statements.Add(sql, statement);
            }

            return statement;
        }

        public void Dispose()
        {
            Caches.Remove(connection);
            foreach (var statement in _statements.Values)
            {
                statement._native?.Dispose();
                statement._command.Dispose();
            }

            _statements.Clear();
        }
    }
}
