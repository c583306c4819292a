using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OutageAlerts.Host.Memory;
using OutageAlerts.Host.Telemetry;

namespace OutageAlerts.IntegrationTests.Memory;

public sealed class IdleMemoryTrimmerTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Interval = MemoryOptions.DefaultCheckInterval;

    // After a burst: ~30 MB live, 76 MB committed (the service alone with 10,000 open incidents, session 20).
    private static readonly ManagedHeapSample AfterBurst = new(AllocatedBytes: 4_000 * MiB, CommittedBytes: 76 * MiB, HeapSizeBytes: 30 * MiB, Collections: 40);

    private readonly ServiceProvider _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IManagedHeap _heap = Substitute.For<IManagedHeap>();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero));

    public void Dispose() => _provider.Dispose();

    [Fact]
    public void Decide_FirstCheck_DoesNotTrim()
    {
        Assert.Equal(TrimDecision.FirstCheck, IdleMemoryTrimmer.Decide(null, AfterBurst, TimeSpan.Zero, null, -1, new MemoryOptions()));
    }

    [Fact]
    public void Decide_QuietWithMuchCommittedBeyondTheLiveHeap_Trims()
    {
        var now = AfterBurst with { AllocatedBytes = AfterBurst.AllocatedBytes + (8 * MiB), Collections = 41 };

        Assert.Equal(TrimDecision.Trim, IdleMemoryTrimmer.Decide(AfterBurst, now, Interval, null, -1, new MemoryOptions()));
    }

    [Fact]
    public void Decide_AllocatingFasterThanAQuietService_IsBusy()
    {
        // 100 alerts a second at ~116 KiB each: the harness's latency phase.
        var now = AfterBurst with { AllocatedBytes = AfterBurst.AllocatedBytes + (116 * MiB) };

        Assert.Equal(TrimDecision.Busy, IdleMemoryTrimmer.Decide(AfterBurst, now, Interval, null, -1, new MemoryOptions()));
    }

    [Fact]
    public void Decide_AllocationRateExactlyAtTheQuietRate_CountsAsQuiet()
    {
        var options = new MemoryOptions();
        var now = AfterBurst with { AllocatedBytes = AfterBurst.AllocatedBytes + (long)(options.QuietAllocationBytesPerSecond * Interval.TotalSeconds) };

        Assert.Equal(TrimDecision.Trim, IdleMemoryTrimmer.Decide(AfterBurst, now, Interval, null, -1, options));
    }

    [Fact]
    public void Decide_SpareMemoryAtTheThreshold_LeavesIt()
    {
        var options = new MemoryOptions();
        var now = AfterBurst with { CommittedBytes = AfterBurst.HeapSizeBytes + options.TrimThresholdBytes };

        Assert.Equal(TrimDecision.LittleToRelease, IdleMemoryTrimmer.Decide(AfterBurst, now, Interval, null, -1, options));
    }

    [Fact]
    public void Decide_NoCollectionSinceTheLastTrim_LeavesIt()
    {
        Assert.Equal(
            TrimDecision.NothingCollected,
            IdleMemoryTrimmer.Decide(AfterBurst, AfterBurst, Interval, TimeSpan.FromMinutes(10), AfterBurst.Collections, new MemoryOptions()));
    }

    [Fact]
    public void Decide_LastTrimWithinTheMinimumInterval_IsTooSoon()
    {
        var options = new MemoryOptions();
        var now = AfterBurst with { Collections = 45 };

        Assert.Equal(TrimDecision.TooSoon, IdleMemoryTrimmer.Decide(AfterBurst, now, Interval, options.MinimumTrimInterval - TimeSpan.FromSeconds(1), 41, options));
        Assert.Equal(TrimDecision.Trim, IdleMemoryTrimmer.Decide(AfterBurst, now, Interval, options.MinimumTrimInterval, 41, options));
    }

    [Fact]
    public void Check_QuietAfterABurst_CollectsOnceAndCountsWhatItGaveBack()
    {
        using var trims = new MetricCollector<long>(_provider.GetRequiredService<IMeterFactory>(), BacklogMetrics.MeterName, MemoryTrimMetrics.TrimsName);
        using var released = new MetricCollector<long>(_provider.GetRequiredService<IMeterFactory>(), BacklogMetrics.MeterName, MemoryTrimMetrics.ReleasedName);
        var quiet = AfterBurst with { AllocatedBytes = AfterBurst.AllocatedBytes + MiB, Collections = 41 };
        var trimmed = quiet with { CommittedBytes = 32 * MiB, HeapSizeBytes = 29 * MiB, Collections = 42 };
        _heap.Sample().Returns(AfterBurst, quiet, trimmed, trimmed, trimmed);
        var trimmer = CreateTrimmer(new MemoryOptions());

        Assert.Equal(TrimDecision.FirstCheck, trimmer.Check());
        _time.Advance(Interval);
        Assert.Equal(TrimDecision.Trim, trimmer.Check());
        _time.Advance(Interval);
        Assert.Equal(TrimDecision.NothingCollected, trimmer.Check());

        _heap.Received(1).CollectAggressively();
        Assert.Equal(1, Assert.Single(trims.GetMeasurementSnapshot()).Value);
        Assert.Equal(44 * MiB, Assert.Single(released.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public void Check_BusyAfterABurst_NeverCollects()
    {
        var busy = AfterBurst with { AllocatedBytes = AfterBurst.AllocatedBytes + (500 * MiB), Collections = 60 };
        var busier = busy with { AllocatedBytes = busy.AllocatedBytes + (500 * MiB), Collections = 80 };
        _heap.Sample().Returns(AfterBurst, busy, busier);
        var trimmer = CreateTrimmer(new MemoryOptions());

        trimmer.Check();
        _time.Advance(Interval);
        Assert.Equal(TrimDecision.Busy, trimmer.Check());
        _time.Advance(Interval);
        Assert.Equal(TrimDecision.Busy, trimmer.Check());

        _heap.DidNotReceive().CollectAggressively();
    }

    [Fact]
    public async Task ExecuteAsync_TimerTicks_TrimsAQuietServiceWithinTwoIntervals()
    {
        var quiet = AfterBurst with { AllocatedBytes = AfterBurst.AllocatedBytes + MiB, Collections = 41 };
        var trimmed = quiet with { CommittedBytes = 32 * MiB };
        _heap.Sample().Returns(AfterBurst, quiet, trimmed);
        var collected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _heap.When(h => h.CollectAggressively()).Do(_ => collected.TrySetResult());
        using var trimmer = CreateTrimmer(new MemoryOptions());

        await trimmer.StartAsync(CancellationToken.None);
        try
        {
            for (var i = 0; i < 2; i++)
            {
                // The loop's next wait on the fake clock is registered asynchronously; give it a moment each time.
                await WaitForTimerAsync();
                _time.Advance(Interval);
            }

            await collected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await trimmer.StopAsync(CancellationToken.None);
        }

        _heap.Received(1).CollectAggressively();
    }

    [Fact]
    public async Task AddIdleMemoryTrim_TrimWhenQuietFalse_RegistersNoTrimmer()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{MemoryOptions.SectionName}:TrimWhenQuiet"] = "false" })
            .Build();

        await using var provider = new ServiceCollection().AddLogging().AddIdleMemoryTrim(configuration).BuildServiceProvider();

        Assert.DoesNotContain(provider.GetServices<IHostedService>(), s => s is IdleMemoryTrimmer);
    }

    [Theory]
    [InlineData("CheckInterval", "00:00:00")]
    [InlineData("CheckInterval", "02:00:00")]
    [InlineData("MinimumTrimInterval", "-00:00:01")]
    [InlineData("QuietAllocationBytesPerSecond", "-1")]
    [InlineData("TrimThresholdBytes", "-1")]
    public async Task AddIdleMemoryTrim_InvalidSetting_FailsOnStartNamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{MemoryOptions.SectionName}:{key}"] = value })
            .Build();
        await using var provider = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddIdleMemoryTrim(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MemoryOptions>>().Value);

        Assert.Contains($"{MemoryOptions.SectionName}:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectAggressively_AfterAHeapGrewAndWasCollected_LeavesLessSpareThanTheThreshold()
    {
        var heap = new RuntimeManagedHeap();
        Grow();
        GC.Collect();
        var fullCollections = GC.CollectionCount(2);

        heap.CollectAggressively();
        var after = heap.Sample();

        Assert.True(GC.CollectionCount(2) > fullCollections);
        // What the trimmer relies on: once trimmed, the spare memory is under its threshold, so a quiet service is
        // not trimmed again and again.
        Assert.True(
            after.SpareBytes < MemoryOptions.DefaultTrimThresholdBytes,
            $"{after.SpareBytes / MiB} MiB committed beyond the heap after the trim ({after.CommittedBytes / MiB} committed, {after.HeapSizeBytes / MiB} heap)");
    }

    private static void Grow()
    {
        // Large and small objects alike, so regions of both heaps are freed.
        var kept = new List<byte[]>();
        for (var i = 0; i < 64; i++)
        {
            kept.Add(new byte[1024 * 1024]);
            for (var j = 0; j < 256; j++)
            {
                kept.Add(new byte[4096]);
            }
        }

        GC.KeepAlive(kept);
    }

    private static Task WaitForTimerAsync() => Task.Delay(TimeSpan.FromMilliseconds(100));

    private IdleMemoryTrimmer CreateTrimmer(MemoryOptions options) => new(
        _heap,
        new MemoryTrimMetrics(_provider.GetRequiredService<IMeterFactory>()),
        Options.Create(options),
        _time,
        NullLogger<IdleMemoryTrimmer>.Instance);
}
