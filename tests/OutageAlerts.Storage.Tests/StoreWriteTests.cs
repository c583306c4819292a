using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutageAlerts.Testing;

namespace OutageAlerts.Storage.Tests;

/// <summary>Runs alone: the store's Meter is process-wide, other tests' writes would add to a count of commits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StoreMeterTests
{
    public const string Name = "store meter, alone";
}

/// <summary><see cref="IStore.WriteAsync{T}"/> on SQLite (the single writer) and PostgreSQL.</summary>
[Collection(StoreMeterTests.Name)]
public sealed class StoreWriteTests
{
    public static TheoryData<StoreProvider> Providers => [StoreProvider.Sqlite, StoreProvider.Postgres];

    private static void Schema(IServiceCollection services) =>
        services.AddStoreMigration("0001-sample", "CREATE TABLE sample (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WriteAsync_Work_IsCommittedAndReturnsItsResult(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var inserted = await sut.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sample (id, name) VALUES (1, 'one')", transaction: t, cancellationToken: ct)));

        Assert.Equal(1, inserted);
        await using var connection = await sut.OpenAsync();
        Assert.Equal("one", await connection.ExecuteScalarAsync<string>("SELECT name FROM sample WHERE id = 1"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WriteAsync_WorkThrows_RollsBackItsStatementsAndRethrows(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.WriteAsync(async (c, t, ct) =>
        {
            await c.ExecuteAsync(new CommandDefinition("INSERT INTO sample (id, name) VALUES (1, 'half')", transaction: t, cancellationToken: ct));
            throw new InvalidOperationException("second step failed");
        }));

        Assert.Equal("second step failed", error.Message);
        await using var connection = await sut.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WriteAsync_ManyAtOnce_OneFailing_LosesOnlyThatOne(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        // Fifty writers queue behind a held one, so on SQLite they share a commit; the duplicate key fails on its own.
        await sut.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition("SELECT 1", transaction: t, cancellationToken: ct)));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = sut.WriteAsync(async (c, t, ct) => await release.Task);
        var writes = Enumerable.Range(1, 50).Select(i => sut.WriteAsync(async (c, t, ct) =>
        {
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO sample (id, name) VALUES (@id, @name)", new { id = i, name = $"n{i}" }, t, cancellationToken: ct));
            if (i == 25)
            {
                // Violates the primary key after this work's first row went in: both must be rolled back.
                await c.ExecuteAsync(new CommandDefinition("INSERT INTO sample (id, name) VALUES (1000, 'x')", transaction: t, cancellationToken: ct));
                await c.ExecuteAsync(new CommandDefinition("INSERT INTO sample (id, name) VALUES (1000, 'y')", transaction: t, cancellationToken: ct));
            }
        })).ToList();
        release.SetResult();
        await blocker;

        var outcome = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.PostgresException)
            {
                return false;
            }
        }));

        Assert.Equal(49, outcome.Count(ok => ok));
        Assert.False(outcome[24]);
        await using var connection = await sut.OpenAsync();
        var ids = (await connection.QueryAsync<long>("SELECT id FROM sample ORDER BY id")).ToList();
        Assert.Equal([.. Enumerable.Range(1, 50).Where(i => i != 25).Select(i => (long)i)], ids);
    }

    [Fact]
    public async Task WriteAsync_SqliteUnderConcurrency_SharesCommits()
    {
        await using var store = await TestStore.CreateAsync(StoreProvider.Sqlite);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        var batches = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StoreTelemetry.Name && instrument.Name == "outagealerts.store.write.batch")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            lock (batches)
            {
                batches.Add(size);
            }
        });
        listener.Start();

        // The first write holds the writer until every other one is queued, so they must share later commits.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = sut.WriteAsync(async (c, t, ct) =>
        {
            await c.ExecuteAsync(new CommandDefinition("INSERT INTO sample (id, name) VALUES (0, 'first')", transaction: t, cancellationToken: ct));
            await release.Task;
        });
        var rest = Enumerable.Range(1, 40).Select(i => sut.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sample (id, name) VALUES (@i, 'n')", new { i }, t, cancellationToken: ct)))).ToList();
        release.SetResult();
        await first;
        await Task.WhenAll(rest);

        await using var connection = await sut.OpenAsync();
        Assert.Equal(41, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
        lock (batches)
        {
            Assert.Equal(41, batches.Sum());
            Assert.True(batches.Count < 41, $"41 writes took {batches.Count} commits: {string.Join(",", batches)}");
            Assert.Contains(batches, size => size > 1);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WriteAsync_NestedInsideAnotherWrite_FailsInsteadOfDeadlocking(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var write = sut.WriteAsync(async (c, t, ct) =>
        {
            await sut.WriteAsync((c2, t2, ct2) => c2.ExecuteAsync(new CommandDefinition(
                "INSERT INTO sample (id, name) VALUES (2, 'inner')", transaction: t2, cancellationToken: ct2)), ct);
        });

        if (provider == StoreProvider.Sqlite)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => write);
            Assert.Contains("inside another", error.Message, StringComparison.Ordinal);
        }
        else
        {
            // PostgreSQL writes have connections of their own: nesting is allowed there and simply commits both.
            await write;
        }
    }

    [Fact]
    public async Task WriteAsync_CancelledBeforeItRuns_IsNotWritten()
    {
        await using var store = await TestStore.CreateAsync(StoreProvider.Sqlite);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = sut.WriteAsync(async (c, t, ct) => await release.Task);
        using var cancel = new CancellationTokenSource();

        var queued = sut.WriteAsync(
            (c, t, ct) => c.ExecuteAsync(new CommandDefinition("INSERT INTO sample (id, name) VALUES (7, 'late')", transaction: t, cancellationToken: ct)),
            cancel.Token);
        await cancel.CancelAsync();
        release.SetResult();
        await blocker;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await using var connection = await sut.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }

    [Fact]
    public async Task DisposeAsync_WithWritesQueued_WritesThemBeforeStopping()
    {
        await using var store = await TestStore.CreateAsync(StoreProvider.Sqlite);
        List<Task> writes;
        await using (var services = store.BuildServices(Schema))
        {
            var sut = services.GetRequiredService<IStore>();
            await sut.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition("INSERT INTO sample (id, name) VALUES (0, 'migrated')", transaction: t, cancellationToken: ct)));
            writes = [.. Enumerable.Range(1, 20).Select(i => sut.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO sample (id, name) VALUES (@i, 'n')", new { i }, t, cancellationToken: ct))))];
        }

        await Task.WhenAll(writes);
        await using var again = store.BuildServices(Schema);
        await using var connection = await again.GetRequiredService<IStore>().OpenAsync();
        Assert.Equal(21, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample"));
    }

    [Fact]
    public async Task WriteAsync_SqliteAfterCommits_CheckpointsTheWalIntoTheDatabase()
    {
        await using var store = await TestStore.CreateAsync(StoreProvider.Sqlite);
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();
        var database = new FileInfo(store.Settings["ConnectionStrings:OutageAlerts"]!["Data Source=".Length..]);
        var filler = new string('x', 2_000);

        // About 800 KB in enough commits to wake the checkpoint thread; the writer's own backstop is far above that.
        for (var i = 0; i < 2 * SqliteWriter.CheckpointEveryCommits; i++)
        {
            await sut.WriteAsync((c, t, ct) => c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO sample (id, name) SELECT @i * 10 + value, @filler FROM (SELECT 0 AS value UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5)",
                new { i, filler }, t, cancellationToken: ct)));
        }

        // The pages reach the database file only through a checkpoint: without one it keeps its first few pages.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        database.Refresh();
        while (database.Length < 600_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            database.Refresh();
        }

        Assert.True(database.Length >= 600_000, $"database file is {database.Length} bytes: the WAL was not checkpointed");
    }

    [Fact]
    public async Task WriteAsync_SqliteWriterConnection_KeepsSavepointJournalsInMemory()
    {
        // Regression guard (issue 10): with temporary files on disk, the savepoint around each write of a shared
        // commit spilled its page copies to /var/tmp, a quarter of the writer's time in the load harness.
        await using var store = TestStore.Sqlite();
        await using var services = store.BuildServices(Schema);
        var sut = services.GetRequiredService<IStore>();

        var tempStore = await sut.WriteAsync((c, t, ct) => c.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA temp_store", transaction: t, cancellationToken: ct)));

        Assert.Equal(2L, tempStore); // 2 = MEMORY
    }
}
