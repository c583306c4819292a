using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using OutageAlerts.Contracts;
using OutageAlerts.Ingestion.Publishing;

namespace OutageAlerts.Ingestion.Tests.Publishing;

public sealed class PublishWindowTests
{
    private readonly IPublishEndpoint _bus = Substitute.For<IPublishEndpoint>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _confirms = new(StringComparer.Ordinal);
    private readonly List<string> _started = [];

    public PublishWindowTests()
    {
        // Each publish waits for its broker confirm until the test releases it.
        _bus.Publish(Arg.Any<AlertRaised>(), Arg.Any<CancellationToken>()).Returns(call => Confirm(call.Arg<AlertRaised>().Alert));
        _bus.Publish(Arg.Any<AlertUpdated>(), Arg.Any<CancellationToken>()).Returns(call => Confirm(call.Arg<AlertUpdated>().Alert));
    }

    [Fact]
    public async Task PublishAsync_WindowFull_StartsTheNextOnlyAfterTheOldestIsConfirmed()
    {
        var window = Window(capacity: 2);
        await window.PublishAsync("i1", "oa-1", Alert("oa-1"), CancellationToken.None);
        await window.PublishAsync("i2", "oa-2", Alert("oa-2"), CancellationToken.None);

        var third = window.PublishAsync("i3", "oa-3", Alert("oa-3"), CancellationToken.None);
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        Assert.Equal(["oa-1 v1", "oa-2 v1"], _started);

        _confirms["oa-1 v1"].SetResult();
        await third;
        Assert.Equal(["oa-1 v1", "oa-2 v1", "oa-3 v1"], _started);
    }

    [Fact]
    public async Task PublishAsync_SecondVersionOfOneAlert_IsPublishedOnlyAfterTheFirstIsConfirmed()
    {
        var window = Window(capacity: 8);
        await window.PublishAsync("i1", "oa-1", Alert("oa-1"), CancellationToken.None);
        await window.PublishAsync("i2", "oa-1", Alert("oa-1", version: 2), CancellationToken.None);
        await window.PublishAsync("i3", "oa-3", Alert("oa-3"), CancellationToken.None);
        Assert.Equal(["oa-1 v1", "oa-3 v1"], _started);

        _confirms["oa-1 v1"].SetResult();
        await WaitUntilAsync(() => _started.Count == 3);
        Assert.Equal("oa-1 v2", _started[2]);
    }

    [Fact]
    public async Task ConfirmedAsync_OnePublishFailed_ReturnsItemsWithoutAlertsAndConfirmedOnesInFeedOrder()
    {
        var window = Window(capacity: 8);
        window.Done("held", "oa-9");
        await window.PublishAsync("i1", "oa-1", Alert("oa-1"), CancellationToken.None);
        await window.PublishAsync("i2", "oa-2", Alert("oa-2"), CancellationToken.None);
        await window.PublishAsync("i3", "oa-3", Alert("oa-3"), CancellationToken.None);

        _confirms["oa-1 v1"].SetResult();
        _confirms["oa-2 v1"].SetException(new InvalidOperationException("broker gone"));
        _confirms["oa-3 v1"].SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(window.CompleteAsync);
        Assert.Equal([("held", "oa-9"), ("i1", "oa-1"), ("i3", "oa-3")], await window.ConfirmedAsync());
    }

    [Fact]
    public async Task PublishAsync_OldestFailedWhileWindowFull_ThrowsSoThePollStops()
    {
        var window = Window(capacity: 1);
        await window.PublishAsync("i1", "oa-1", Alert("oa-1"), CancellationToken.None);
        _confirms["oa-1 v1"].SetException(new InvalidOperationException("broker gone"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => window.PublishAsync("i2", "oa-2", Alert("oa-2"), CancellationToken.None));
        Assert.Equal(["oa-1 v1"], _started);
        Assert.Empty(await window.ConfirmedAsync());
    }

    [Fact]
    public async Task PublishAsync_FirstVersionFailed_SecondVersionIsNeverPublished()
    {
        var window = Window(capacity: 8);
        await window.PublishAsync("i1", "oa-1", Alert("oa-1"), CancellationToken.None);
        await window.PublishAsync("i2", "oa-1", Alert("oa-1", version: 2), CancellationToken.None);
        _confirms["oa-1 v1"].SetException(new InvalidOperationException("broker gone"));

        await Assert.ThrowsAsync<InvalidOperationException>(window.CompleteAsync);
        Assert.Equal(["oa-1 v1"], _started);
        Assert.Empty(await window.ConfirmedAsync());
    }

    private PublishWindow Window(int capacity) => new(new AlertPublisher(_bus, NullLogger<AlertPublisher>.Instance), capacity);

    private Task Confirm(Alert alert)
    {
        var key = $"{alert.AlertId} v{alert.Version}";
        lock (_started)
        {
            _started.Add(key);
        }

        var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _confirms[key] = confirm;
        return confirm.Task;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private static Alert Alert(string id, int version = 1) => new()
    {
        AlertId = id,
        Version = version,
        MsgType = version == 1 ? MsgType.Alert : MsgType.Update,
        Sent = new DateTimeOffset(2025, 11, 8, 4, 30, 0, TimeSpan.Zero),
        Severity = Severity.Extreme,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Observed,
        Event = "Missile strike on a power plant",
        Headline = "Missile hits the power plant in Dnipro",
        Description = "A missile hit the thermal power plant overnight.",
        Targets = ["power_grid"],
        Country = "UA",
        Regions = ["UA-12"],
        Language = "en",
    };
}
