using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OutageAlerts.Storage;

/// <summary>
/// A kept statement of the SQLite writer run through SQLite's own interface: prepared once, its parameters bound by
/// index, strings handed over as UTF-16 for SQLite to convert.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite, on every execution of a statement it has prepared, looks each parameter's index up by name
/// (with a new UTF-8 copy of the name), makes a binder object per parameter, copies every string into a new UTF-8
/// array, and builds a data reader even for a statement that returns no rows. On the writer thread, which every write
/// of the process waits for, that was a third of its managed time, and 9 % of the bytes the whole process allocated
/// per alert (issue 10, docs/performance.md). Statements that are more than one SQL statement stay with
/// Microsoft.Data.Sqlite (<see cref="TryPrepare"/> returns null for them).
/// </remarks>
internal sealed class SqliteNativeStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly List<string> _names = [];
    private readonly List<int> _indexes = [];
    private object?[] _values = new object?[4];

    private SqliteNativeStatement(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
    }

    /// <summary>The statement prepared on <paramref name="connection"/>, or null when <paramref name="sql"/> holds several.</summary>
    public static SqliteNativeStatement? TryPrepare(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        if (statement is null || statement.IsInvalid || !string.IsNullOrWhiteSpace(tail))
        {
            statement?.Dispose();
            return null;
        }

        return new SqliteNativeStatement(db, statement);
    }

    /// <summary>Parameters bound since the last execution.</summary>
    public int Bound { get; private set; }

    /// <summary>Parameters the statement took at its first execution.</summary>
    public int Count => _names.Count;

    /// <summary>Sets the next parameter; the first use learns each position's name and index, later uses check them.</summary>
    public void Set(string name, object? value)
    {
        var position = Bound;
        if (position < _names.Count)
        {
            if (!string.Equals(_names[position], name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Parameter {position} of a kept statement is '{_names[position]}', not '{name}': bind the parameters in the same order every time.");
            }
        }
        else
        {
            var index = raw.sqlite3_bind_parameter_index(_statement, name);
            if (index == 0)
            {
                throw new InvalidOperationException($"The statement has no parameter '{name}'.");
            }

            _names.Add(name);
            _indexes.Add(index);
        }

        if (position == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[position] = value;
        Bound++;
    }

    /// <summary>Runs the statement to its end; the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            Begin();
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }

            Check(rc);
            return raw.sqlite3_stmt_readonly(_statement) != 0 ? 0 : raw.sqlite3_changes(_db);
        }
        finally
        {
            End();
        }
    }

    /// <summary>The first column of the first row, or null without a row or for SQL NULL.</summary>
    public object? Scalar()
    {
        try
        {
            Begin();
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return ValueOf(0) is var value and not DBNull ? value : null;
            }

            Check(rc);
            return null;
        }
        finally
        {
            End();
        }
    }

    /// <summary>Reads every row with <paramref name="read"/>, as Microsoft.Data.Sqlite's reader would present it.</summary>
    public List<T> Query<T>(Func<DbDataReader, T> read)
    {
        try
        {
            Begin();
            var rows = new List<T>();
            using var reader = new Reader(this);
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                rows.Add(read(reader));
            }

            Check(rc);
            return rows;
        }
        finally
        {
            End();
        }
    }

    /// <summary>Forgets values bound by a use that never ran (it threw while binding).</summary>
    public void Restart()
    {
        Array.Clear(_values, 0, Bound);
        Bound = 0;
    }

    public void Dispose() => _statement.Dispose();

    private void Begin()
    {
        if (Bound != _names.Count)
        {
            throw new InvalidOperationException($"The statement was given {Bound} parameters, but it was first used with {_names.Count}.");
        }

        if (Bound < raw.sqlite3_bind_parameter_count(_statement))
        {
            // Unbound SQLite parameters are NULL; Microsoft.Data.Sqlite refuses them, and so does this.
            throw new InvalidOperationException($"The statement has {raw.sqlite3_bind_parameter_count(_statement)} parameters, but was given {Bound}.");
        }

        for (var i = 0; i < Bound; i++)
        {
            var index = _indexes[i];
            var rc = _values[i] switch
            {
                null or DBNull => raw.sqlite3_bind_null(_statement, index),
                string text => raw.sqlite3_bind_text16(_statement, index, text.AsSpan()),
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                int number => raw.sqlite3_bind_int64(_statement, index, number),
                double number => raw.sqlite3_bind_double(_statement, index, number),
                // The store binds no blobs: bytes are UTF-8 text (StoreStatement.BindUtf8).
                byte[] utf8 => raw.sqlite3_bind_text(_statement, index, utf8),
                var other => throw new NotSupportedException($"A kept statement cannot bind a {other.GetType().Name}."),
            };
            Check(rc);
        }
    }

    private void End()
    {
        // Ends the statement's read of the database and drops the values, so a kept statement holds neither.
        raw.sqlite3_reset(_statement);
        Restart();
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private object ValueOf(int column) => raw.sqlite3_column_type(_statement, column) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, column),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, column),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, column).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, column).ToArray(),
        _ => DBNull.Value,
    };

    /// <summary>The current row, for the readers that map rows by column position.</summary>
    private sealed class Reader(SqliteNativeStatement owner) : DbDataReader
    {
        private readonly sqlite3_stmt _statement = owner._statement;
        private bool _closed;

        public override int FieldCount => raw.sqlite3_column_count(_statement);

        public override int Depth => 0;

        public override bool HasRows => true;

        public override bool IsClosed => _closed;

        public override int RecordsAffected => -1;

        public override object this[int ordinal] => GetValue(ordinal);

        public override object this[string name] => GetValue(GetOrdinal(name));

        public override bool IsDBNull(int ordinal) => raw.sqlite3_column_type(_statement, ordinal) == raw.SQLITE_NULL;

        public override long GetInt64(int ordinal) => raw.sqlite3_column_int64(_statement, ordinal);

        public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));

        public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));

        public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));

        public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

        public override double GetDouble(int ordinal) => raw.sqlite3_column_double(_statement, ordinal);

        public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

        public override decimal GetDecimal(int ordinal) => decimal.Parse(GetString(ordinal), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);

        public override string GetString(int ordinal) => IsDBNull(ordinal)
            ? throw new InvalidCastException($"Column {ordinal} is NULL.")
            : raw.sqlite3_column_text(_statement, ordinal).utf8_to_string();

        public override char GetChar(int ordinal) => GetString(ordinal)[0];

        public override Guid GetGuid(int ordinal) => Guid.Parse(GetString(ordinal));

        public override DateTime GetDateTime(int ordinal) => DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

        public override object GetValue(int ordinal) => owner.ValueOf(ordinal);

        public override int GetValues(object[] values)
        {
            ArgumentNullException.ThrowIfNull(values);
            var count = Math.Min(values.Length, FieldCount);
            for (var i = 0; i < count; i++)
            {
                values[i] = GetValue(i);
            }

            return count;
        }

        public override string GetName(int ordinal) => raw.sqlite3_column_name(_statement, ordinal).utf8_to_string();

        public override int GetOrdinal(string name)
        {
            for (var i = 0; i < FieldCount; i++)
            {
                if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new ArgumentOutOfRangeException(nameof(name), name, "The statement returns no such column.");
        }

        public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

        public override Type GetFieldType(int ordinal) => raw.sqlite3_column_type(_statement, ordinal) switch
        {
            raw.SQLITE_INTEGER => typeof(long),
            raw.SQLITE_FLOAT => typeof(double),
            raw.SQLITE_BLOB => typeof(byte[]),
            _ => typeof(string),
        };

        /// <summary>
        /// The value's bytes as SQLite stores them, a text's as UTF-8: for JSON parsed without a string in between.
        /// </summary>
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
        {
            var bytes = raw.sqlite3_column_blob(_statement, ordinal);
            if (buffer is null)
            {
                return bytes.Length;
            }

            ArgumentOutOfRangeException.ThrowIfNegative(dataOffset);
            if (dataOffset >= bytes.Length)
            {
                return 0;
            }

            var count = Math.Min(length, bytes.Length - (int)dataOffset);
            bytes.Slice((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset, count));
            return count;
        }

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) =>
            throw new NotSupportedException();

        // The statement itself steps the rows; a mapper only reads the current one.
        public override bool Read() => throw new NotSupportedException();

        public override bool NextResult() => false;

        public override System.Collections.IEnumerator GetEnumerator() => throw new NotSupportedException();

        public override void Close() => _closed = true;
    }
}
