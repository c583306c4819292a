using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Testing;

namespace OutageAlerts.Storage.Tests;

/// <summary><see cref="StoreStatement"/>: kept on the SQLite writer's connection, a plain command elsewhere.</summary>
public sealed class StoreStatementTests
{
    private const string Insert = "INSERT INTO sample (id, name, size) VALUES (@id, @name, @size)";

    public static TheoryData<StoreProvider> Providers => [StoreProvider.Sqlite, StoreProvider.Postgres];

    private static void Schema(IServiceCollection services) =>
        services.AddStoreMigration("0001-sample", "CREATE TABLE sample (id BIGINT PRIMARY KEY, name TEXT NULL, size BIGINT NULL)");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExecuteAsync_ValuesAndNulls_AreStoredAsGiven(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var changed = await sut.WriteAsync(async (c, t, ct) =>
            await StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", "one").Bind("@size", 10).ExecuteAsync(ct)
            + await StoreStatement.For(c, t, Insert).Bind("@id", 2L).Bind("@name", (string?)null).Bind("@size", (long?)null).ExecuteAsync(ct));

        Assert.Equal(2, changed);
        await using var connection = await sut.OpenAsync();
        var rows = (await connection.QueryAsync<(long Id, string? Name, long? Size)>("SELECT id, name, size FROM sample ORDER BY id")).ToList();
        Assert.Equal([(1L, "one", 10L), (2L, null, null)], rows);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ScalarAsync_TypedNullInAnExpression_IsAcceptedAndReturnsTheValue(StoreProvider provider)
    {
        // PostgreSQL must know a null parameter's type to resolve COALESCE; the typed Bind overloads give it.
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var name = await sut.WriteAsync(async (c, t, ct) =>
        {
            await StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", "kept").Bind("@size", 1L).ExecuteAsync(ct);
            return await StoreStatement.For(c, t, "UPDATE sample SET name = COALESCE(@name, name) WHERE id = @id RETURNING name")
                .Bind("@name", (string?)null)
                .Bind("@id", 1L)
                .ScalarAsync(ct);
        });

        Assert.Equal("kept", name);
    }

    [Fact]
    public async Task For_OnTheSqliteWriter_KeepsOneStatementPerSqlAcrossWrites()
    {
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var first = await sut.WriteAsync(async (c, t, ct) =>
        {
            var statement = StoreStatement.For(c, t, Insert);
            await statement.Bind("@id", 1L).Bind("@name", "a").Bind("@size", 1L).ExecuteAsync(ct);
            return statement;
        });
        var second = await sut.WriteAsync(async (c, t, ct) =>
        {
            var statement = StoreStatement.For(c, t, Insert);
            await statement.Bind("@id", 2L).Bind("@name", "b").Bind("@size", 2L).ExecuteAsync(ct);
            return statement;
        });
        var other = await sut.WriteAsync((c, t, _) => Task.FromResult(StoreStatement.For(c, t, "DELETE FROM sample WHERE id = @id")));

        Assert.Same(first, second);
        Assert.NotSame(first, other);
        await using var connection = await sut.OpenAsync();
        Assert.Equal(["a", "b"], await connection.QueryAsync<string>("SELECT name FROM sample ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task For_OnAReadConnection_IsANewCommandEachTime(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        await using var connection = await services.GetRequiredService<IStore>().OpenAsync();

        using var first = StoreStatement.For(connection, null, "SELECT COUNT(*) FROM sample");
        using var second = StoreStatement.For(connection, null, "SELECT COUNT(*) FROM sample");

        Assert.NotSame(first, second);
        Assert.Equal(0L, Convert.ToInt64(await first.ScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ExecuteAsync_KeptStatementFailed_WorksInTheNextWrite()
    {
        // Regression guard for the kept statements: one that failed (a duplicate key) must be usable again.
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        Task<int> InsertAsync(long id) => sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, Insert).Bind("@id", id).Bind("@name", $"n{id}").Bind("@size", id).ExecuteAsync(ct));

        await InsertAsync(1);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => InsertAsync(1));
        await InsertAsync(2);

        await using var connection = await sut.OpenAsync();
        Assert.Equal([1L, 2L], await connection.QueryAsync<long>("SELECT id FROM sample ORDER BY id"));
    }

    [Fact]
    public async Task ExecuteAsync_KeptStatementsInASharedCommit_OneFailing_LosesOnlyThatOne()
    {
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first write holds the writer, so the others queue and share the next commit, each in its savepoint.
        var held = sut.WriteAsync(async (_, _, _) => await gate.Task);
        var writes = Enumerable.Range(1, 20)
            .Select(i => sut.WriteAsync((c, t, ct) =>
                StoreStatement.For(c, t, Insert).Bind("@id", i == 7 ? 3L : i).Bind("@name", $"n{i}").Bind("@size", (long)i).ExecuteAsync(ct)))
            .ToList();
        gate.SetResult();
        await held;
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (System.Data.Common.DbException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(ok => !ok));
        await using var connection = await sut.OpenAsync();
        Assert.Equal(19L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }

    [Fact]
    public async Task Bind_KeptStatementInAnotherOrder_FailsTheWriteWithoutStoringIt()
    {
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        await sut.WriteAsync((c, t, ct) => StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", "a").Bind("@size", 1L).ExecuteAsync(ct));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, Insert).Bind("@name", "b").Bind("@id", 2L).Bind("@size", 2L).ExecuteAsync(ct)));
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, Insert).Bind("@id", 3L).Bind("@name", "c").ExecuteAsync(ct)));

        Assert.Contains("'@id', not '@name'", error.Message, StringComparison.Ordinal);
        Assert.Contains("given 2 parameters", missing.Message, StringComparison.Ordinal);
        await using var connection = await sut.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task QueryAsync_RowsAndNulls_AreReadByPositionInOrder(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        await sut.WriteAsync(async (c, t, ct) =>
            await StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", "one").Bind("@size", 10L).ExecuteAsync(ct)
            + await StoreStatement.For(c, t, Insert).Bind("@id", 2L).Bind("@name", (string?)null).Bind("@size", (long?)null).ExecuteAsync(ct)
            + await StoreStatement.For(c, t, Insert).Bind("@id", 3L).Bind("@name", "three").Bind("@size", 30L).ExecuteAsync(ct));

        var rows = await sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, "SELECT id, name, size FROM sample WHERE id <= @max ORDER BY id")
                .Bind("@max", 2L)
                .QueryAsync(r => (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ct));

        Assert.Equal([(1L, "one", 10L), (2L, null, null)], rows);
    }

    [Fact]
    public async Task QueryAsync_KeptStatementReadTwiceInOneWrite_SeesTheWriteBetween()
    {
        // The kept command's reader must be closed after each use, or the next use of the statement (and the commit) fails.
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        const string ByName = "SELECT id FROM sample WHERE name = @name";

        var (before, after, kept) = await sut.WriteAsync(async (c, t, ct) =>
        {
            var first = StoreStatement.For(c, t, ByName);
            var none = await first.Bind("@name", "a").QueryAsync(r => r.GetInt64(0), ct);
            await StoreStatement.For(c, t, Insert).Bind("@id", 7L).Bind("@name", "a").Bind("@size", 1L).ExecuteAsync(ct);
            var second = StoreStatement.For(c, t, ByName);
            var found = await second.Bind("@name", "a").QueryAsync(r => r.GetInt64(0), ct);
            return (none, found, ReferenceEquals(first, second));
        });

        Assert.Empty(before);
        Assert.Equal([7L], after);
        Assert.True(kept);
        await using var connection = await sut.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExecuteAsync_TextBeyondAscii_IsStoredAndReadBackAsGiven(StoreProvider provider)
    {
        // On the writer, strings go to SQLite as UTF-16 for it to convert: Cyrillic, Arabic, Devanagari and a surrogate pair.
        const string Text = "Удар по ТЕЦ у Харкові; قصف محطة كهرباء; बिजली घर पर हमला 🔥 \u00e9\u0301";
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var kept = await sut.WriteAsync(async (c, t, ct) =>
        {
            await StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", Text).Bind("@size", (long)Text.Length).ExecuteAsync(ct);
            return await StoreStatement.For(c, t, "SELECT name FROM sample WHERE name = @name").Bind("@name", Text).QueryAsync(r => r.GetString(0), ct);
        });

        Assert.Equal([Text], kept);
        await using var connection = await sut.OpenAsync();
        Assert.Equal(Text, await connection.ExecuteScalarAsync<string>("SELECT name FROM sample WHERE id = 1"));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(Text), await connection.ExecuteScalarAsync<long>(
            provider == StoreProvider.Sqlite ? "SELECT length(CAST(name AS BLOB)) FROM sample" : "SELECT octet_length(name) FROM sample"));
    }

    [Fact]
    public async Task QueryAsync_KeptStatementGetBytesOfText_ReadsItsUtf8BytesInPieces()
    {
        const string Text = "Удар по ТЕЦ 🔥 {\"k\":1}";
        var expected = System.Text.Encoding.UTF8.GetBytes(Text);
        await using var store = await TestStore.CreateAsync(StoreProvider.Sqlite);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var (length, whole, tail, past) = await sut.WriteAsync(async (c, t, ct) =>
        {
            await StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", Text).Bind("@size", (long?)null).ExecuteAsync(ct);
            var rows = await StoreStatement.For(c, t, "SELECT name FROM sample WHERE id = @id").Bind("@id", 1L).QueryAsync(
                r =>
                {
                    var length = r.GetBytes(0, 0, null, 0, 0);
                    var whole = new byte[length + 2];
                    var copied = r.GetBytes(0, 0, whole, 2, (int)length);
                    var tail = new byte[4];
                    var tailCopied = r.GetBytes(0, length - 3, tail, 0, tail.Length);
                    return (length, whole[2..(2 + (int)copied)], tail[..(int)tailCopied], r.GetBytes(0, length, tail, 0, tail.Length));
                },
                ct);
            return rows.Single();
        });

        Assert.Equal(expected.Length, length);
        Assert.Equal(expected, whole);
        Assert.Equal(expected[^3..], tail);
        Assert.Equal(0, past);
    }

    [Fact]
    public async Task ExecuteAsync_KeptDuplicateKey_FailsWithSqlitesConstraintError()
    {
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        Task<int> InsertAsync() => sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", "n").Bind("@size", 1L).ExecuteAsync(ct));
        await InsertAsync();

        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(InsertAsync);

        Assert.Equal(SQLitePCL.raw.SQLITE_CONSTRAINT, error.SqliteErrorCode);
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bind_KeptStatementFailingHalfBound_NextWriteBindsFromTheStart()
    {
        // Regression guard: values bound by a use that threw before it ran must not shift the next use's parameters.
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        await sut.WriteAsync((c, t, ct) => StoreStatement.For(c, t, Insert).Bind("@id", 1L).Bind("@name", "a").Bind("@size", 1L).ExecuteAsync(ct));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, Insert).Bind("@id", 2L).Bind("@size", 2L).Bind("@name", "b").ExecuteAsync(ct)));
        await sut.WriteAsync((c, t, ct) => StoreStatement.For(c, t, Insert).Bind("@id", 3L).Bind("@name", "c").Bind("@size", 3L).ExecuteAsync(ct));

        await using var connection = await sut.OpenAsync();
        var rows = (await connection.QueryAsync<(long Id, string Name, long Size)>("SELECT id, name, size FROM sample ORDER BY id")).ToList();
        Assert.Equal([(1L, "a", 1L), (3L, "c", 3L)], rows);
    }

    [Fact]
    public async Task Bind_KeptStatementWithoutThatParameter_FailsNamingIt()
    {
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.WriteAsync((c, t, ct) =>
            StoreStatement.For(c, t, "DELETE FROM sample WHERE id = @id").Bind("@identifier", 1L).ExecuteAsync(ct)));

        Assert.Contains("'@identifier'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_KeptSqlOfSeveralStatements_RunsThemAll()
    {
        // SQLite's interface prepares one statement at a time; SQL holding several stays with Microsoft.Data.Sqlite.
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        const string Both = "INSERT INTO sample (id, name, size) VALUES (@id, @name, 1); UPDATE sample SET size = size + 1 WHERE name = @name;";

        var changed = await sut.WriteAsync(async (c, t, ct) =>
            await StoreStatement.For(c, t, Both).Bind("@id", 1L).Bind("@name", "x").ExecuteAsync(ct)
            + await StoreStatement.For(c, t, Both).Bind("@id", 2L).Bind("@name", "x").ExecuteAsync(ct));

        Assert.Equal(5, changed);
        await using var connection = await sut.OpenAsync();
        Assert.Equal([3L, 2L], await connection.QueryAsync<long>("SELECT size FROM sample ORDER BY id"));
    }
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task BindUtf8_JsonDocument_IsStoredAsTextEqualToTheString(StoreProvider provider)
    {
        const string Json = """{"headline":"Удар по підстанції","areas":["Дніпро","Zaporizhzhia"],"note":"🔥 \"quoted\""}""";
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var kept = await sut.WriteAsync(async (c, t, ct) =>
        {
            await StoreStatement.For(c, t, Insert).Bind("@id", 1L).BindUtf8("@name", System.Text.Encoding.UTF8.GetBytes(Json)).Bind("@size", 1L).ExecuteAsync(ct);
            await StoreStatement.For(c, t, Insert).Bind("@id", 2L).BindUtf8("@name", null).Bind("@size", 2L).ExecuteAsync(ct);
            return await StoreStatement.For(c, t, "SELECT name FROM sample WHERE id = @id").Bind("@id", 1L).ScalarAsync(ct);
        });

        Assert.Equal(Json, kept);
        await using var connection = await sut.OpenAsync();
        var rows = (await connection.QueryAsync<(string? Name, string Type)>(provider == StoreProvider.Sqlite
            ? "SELECT name, typeof(name) FROM sample ORDER BY id"
            : "SELECT name, pg_typeof(name)::text FROM sample ORDER BY id")).ToList();
        Assert.Equal(provider == StoreProvider.Sqlite ? [(Json, "text"), (null, "null")] : [(Json, "text"), (null, "text")], rows);
    }
}
