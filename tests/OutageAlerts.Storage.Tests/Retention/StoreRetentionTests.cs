using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OutageAlerts.Storage.Retention;

namespace OutageAlerts.Storage.Tests.Retention;

/// <summary>The retention loop over the areas' purges, each area substituted at its boundary.</summary>
public sealed class StoreRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task PurgeAsync_AreaWithABacklog_IsPurgedBatchByBatchUntilNothingIsLeft()
    {
        var area = Area("delivery");
        area.PurgeAsync(Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(500, 500, 7, 0);
        var retention = Build(new RetentionOptions { Period = TimeSpan.FromDays(30), BatchSize = 500 }, area);

        var deleted = await retention.PurgeAsync(CancellationToken.None);

        Assert.Equal(1007, deleted["delivery"]);
        await area.Received(4).PurgeAsync(Now.AddDays(-30), 500, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task PurgeAsync_OneAreaFails_TheOthersArePurgedAndTheFailureIsLogged()
    {
        var failing = Area("incidents");
        failing.PurgeAsync(Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromResult(3), Task.FromException<int>(new InvalidOperationException("database is locked")));
        var healthy = Area("delivery");
        healthy.PurgeAsync(Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(2, 0);
        var logger = new ListLogger();
        var retention = Build(new RetentionOptions(), logger, failing, healthy);

        var deleted = await retention.PurgeAsync(CancellationToken.None);

        Assert.Equal((3, 2), (deleted["incidents"], deleted["delivery"]));
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("incidents", warning.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(warning.Exception);
    }

    [Fact]
    public async Task ExecuteAsync_Enabled_PurgesNotBeforeAMinuteAfterStartThenEveryInterval()
    {
        var area = Area("ingestion");
        area.PurgeAsync(Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(0);
        var retention = Build(new RetentionOptions { Interval = TimeSpan.FromHours(1) }, area);

        await retention.StartAsync(CancellationToken.None);
        try
        {
            // The clock moves in small steps until the loop purged: when its timer was registered is up to the
            // scheduler, so the test asserts lower bounds, never exact instants.
            await AdvanceUntilAsync(() => Purges(area).Count == 1, TimeSpan.FromSeconds(1));
            await AdvanceUntilAsync(() => Purges(area).Count == 2, TimeSpan.FromMinutes(1));
        }
        finally
        {
            await retention.StopAsync(CancellationToken.None);
        }

        var cutoffs = Purges(area).Select(c => (DateTimeOffset)c.GetArguments()[0]!).ToList();
        Assert.True(cutoffs[0] >= Now + StoreRetention.FirstRoundDelay - RetentionOptions.DefaultPeriod, $"first purge too early: cutoff {cutoffs[0]:O}");
        Assert.True(cutoffs[1] - cutoffs[0] >= TimeSpan.FromHours(1), $"second purge {cutoffs[1] - cutoffs[0]} after the first");
    }

    [Fact]
    public async Task ExecuteAsync_Disabled_NeverPurges()
    {
        var area = Area("ingestion");
        var retention = Build(new RetentionOptions { Enabled = false }, area);

        await retention.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(2));
        await Task.Delay(50);
        await retention.StopAsync(CancellationToken.None);

        Assert.Empty(Purges(area));
    }

    [Theory]
    [InlineData("1.00:00:00", "true", true)]
    [InlineData("1.00:00:00", "false", false)]
    [InlineData("30.00:00:00", "true", false)]
    public void AddStoreRetention_PeriodShorterThanAWeek_FailsValidationNamingTheKey(string period, string enabled, bool fails)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OutageAlerts:Retention:Period"] = period,
            ["OutageAlerts:Retention:Enabled"] = enabled,
        }).Build();
        using var services = new ServiceCollection().AddStoreRetention(configuration).BuildServiceProvider();

        var error = Record.Exception(() => services.GetRequiredService<IOptions<RetentionOptions>>().Value);

        if (fails)
        {
            Assert.Contains("OutageAlerts:Retention:Period must be at least 7 days", Assert.IsType<OptionsValidationException>(error).Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(error);
        }
    }

    [Fact]
    public void AddStoreRetention_CalledByEveryArea_RegistersTheLoopAndItsOptionsOnce()
    {
        var configuration = new ConfigurationBuilder().Build();
        var collection = new ServiceCollection().AddStoreRetention(configuration).AddStoreRetention(configuration);
        collection.AddRetentionOptions(configuration);

        Assert.Single(collection, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(collection, d => d.ServiceType == typeof(IConfigureOptions<RetentionOptions>));
    }

    private static List<NSubstitute.Core.ICall> Purges(IStoreRetention area) =>
        [.. area.ReceivedCalls().Where(c => c.GetMethodInfo().Name == nameof(IStoreRetention.PurgeAsync))];

    private static IStoreRetention Area(string name)
    {
        var area = Substitute.For<IStoreRetention>();
        area.Area.Returns(name);
        return area;
    }

    private StoreRetention Build(RetentionOptions options, params IStoreRetention[] areas) =>
        Build(options, NullLogger<StoreRetention>.Instance, areas);

    private StoreRetention Build(RetentionOptions options, ILogger<StoreRetention> logger, params IStoreRetention[] areas) =>
        new(areas, Options.Create(options), _time, logger);

    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the loop did not purge within 30 s of real time");
            _time.Advance(step);
            await Task.Delay(5);
        }
    }

    private sealed class ListLogger : ILogger<StoreRetention>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception), exception));
            }
        }
    }
}
