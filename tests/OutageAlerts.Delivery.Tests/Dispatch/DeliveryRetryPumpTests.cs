using Microsoft.AspNetCore.Http;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Tests.Webhooks;
using OutageAlerts.Storage;
using OutageAlerts.Testing;

namespace OutageAlerts.Delivery.Tests.Dispatch;

/// <summary>Webhook retries kept in the store, on both store engines, against a real local receiver.</summary>
public sealed class DeliveryRetryPumpTests : IAsyncLifetime
{
    private readonly Queue<(int Status, string? RetryAfter)> _answers = new();
    private LocalHttpServer _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LocalHttpServer.StartAsync(async (_, context) =>
    {
        (int Status, string? RetryAfter) answer;
        lock (_answers)
        {
            answer = _answers.Count > 0 ? _answers.Dequeue() : (StatusCodes.Status200OK, null);
        }

        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfter;
        }

        if (answer.Status >= 400)
        {
            await context.Response.WriteAsync("not now");
        }
    });

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private void AnswerWith(int status, string? retryAfter = null)
    {
        lock (_answers)
        {
            _answers.Enqueue((status, retryAfter));
        }
    }

    private DeliveryServices Services(TestStore store, string? schedule = null)
    {
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            ["OutageAlerts:Subscriptions:0:Id"] = "relief-hook",
            ["OutageAlerts:Subscriptions:0:Channel"] = "webhook",
            ["OutageAlerts:Subscriptions:0:Target"] = _receiver.Url("hooks/alerts?token=abc").AbsoluteUri,
            ["OutageAlerts:Subscriptions:0:Secret"] = WebhookSignatureTests.Secret,
            ["OutageAlerts:Webhooks:AllowPrivateTargets"] = "true",
        };
        if (schedule is not null)
        {
            var waits = schedule.Split(',');
            for (var i = 0; i < waits.Length; i++)
            {
                settings[$"OutageAlerts:Webhooks:RetrySchedule:{i}"] = waits[i];
            }
        }

        return DeliveryServices.Create(settings);
    }

    private static Task<DeliveryOutcome?> DeliverAsync(DeliveryServices services, Contracts.Alert alert) =>
        services.Get<DeliveryDispatcher>().DeliverAsync(
            new WebhookDelivery(AlertEventKind.Raised, alert, "relief-hook"), DeliveryChannel.Webhook, 0, lastAttempt: false, CancellationToken.None);

    private static DeliveryKey Key(Contracts.Alert alert) => new(alert.AlertId, alert.Version, "relief-hook");

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task RunDueAsync_FailedOnce_RetriesAfterFiveSecondsWithSameWebhookId(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = Services(store);
        var alert = SampleAlerts.Kharkiv();
        AnswerWith(StatusCodes.Status503ServiceUnavailable);

        var first = await DeliverAsync(services, alert);

        Assert.Equal(DeliveryOutcome.Transient, first);
        var retry = Assert.Single(await services.Get<DeliveryRetries>().ListAsync());
        Assert.Equal(DeliveryServices.Now.AddSeconds(5), retry.DueAt);
        var pump = services.Get<DeliveryRetryPump>();
        services.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await pump.RunDueAsync(CancellationToken.None));

        services.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await pump.RunDueAsync(CancellationToken.None));

        var requests = _receiver.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
        Assert.NotEqual(requests[0].Header("webhook-timestamp"), requests[1].Header("webhook-timestamp"));
        Assert.True(WebhookSignatureTests.ReceiverAccepts(
            WebhookSignatureTests.Secret, requests[1].Header("webhook-id")!, requests[1].Header("webhook-timestamp")!,
            requests[1].Body, requests[1].Header("webhook-signature")!));
        var entry = await services.Get<DeliveryLog>().FindAsync(Key(alert));
        Assert.Equal(DeliveryStatus.Delivered, entry!.Status);
        Assert.Equal(2, entry.Attempts);
        Assert.Empty(await services.Get<DeliveryRetries>().ListAsync());
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task RunDueAsync_AfterRestart_PendingRetryIsStillSent(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var alert = SampleAlerts.KyivInUkrainian();
        AnswerWith(StatusCodes.Status500InternalServerError);
        await using (var before = Services(store))
        {
            await DeliverAsync(before, alert);
        }

        await using var after = Services(store);
        after.Time.Advance(TimeSpan.FromSeconds(5));
        var attempted = await after.Get<DeliveryRetryPump>().RunDueAsync(CancellationToken.None);

        Assert.Equal(1, attempted);
        Assert.Equal(2, _receiver.Requests.Count);
        Assert.Contains("Удар по ТЕЦ", _receiver.Requests[1].BodyText, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Delivered, (await after.Get<DeliveryLog>().FindAsync(Key(alert)))!.Status);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("3", 3)]
    [InlineData("999999", 86_400)]
    public async Task DeliverAsync_TooManyRequestsWithRetryAfter_WaitsWhatTheReceiverAsked(string retryAfter, int expectedSeconds)
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store);
        AnswerWith(StatusCodes.Status429TooManyRequests, retryAfter);

        var outcome = await DeliverAsync(services, SampleAlerts.Kharkiv());

        Assert.Equal(DeliveryOutcome.Transient, outcome);
        var retry = Assert.Single(await services.Get<DeliveryRetries>().ListAsync());
        Assert.Equal(DeliveryServices.Now.AddSeconds(expectedSeconds), retry.DueAt);
    }

    [Fact]
    public async Task DeliverAsync_TooManyRequestsWithRetryAfterDate_WaitsUntilThatDate()
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store);
        AnswerWith(StatusCodes.Status429TooManyRequests, DeliveryServices.Now.AddMinutes(10).ToString("r", System.Globalization.CultureInfo.InvariantCulture));

        await DeliverAsync(services, SampleAlerts.Kharkiv());

        Assert.Equal(DeliveryServices.Now.AddMinutes(10), Assert.Single(await services.Get<DeliveryRetries>().ListAsync()).DueAt);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task DeliverAsync_Gone_DisablesEndpointAndSendsNothingMore(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = Services(store);
        AnswerWith(StatusCodes.Status410Gone);

        var first = await DeliverAsync(services, SampleAlerts.Kharkiv());
        var second = await DeliverAsync(services, SampleAlerts.Odesa());
        var update = await DeliverAsync(services, SampleAlerts.Kharkiv(version: 2));

        Assert.Equal(DeliveryOutcome.Permanent, first);
        Assert.Equal(DeliveryOutcome.Permanent, second);
        Assert.Equal(DeliveryOutcome.Permanent, update);
        Assert.Single(_receiver.Requests);
        var disabled = Assert.Single(await services.Get<DisabledEndpoints>().ListAsync());
        Assert.Equal("relief-hook", disabled.SubscriptionId);
        Assert.DoesNotContain("token", disabled.Recipient, StringComparison.Ordinal);
        Assert.Contains("410", disabled.Reason, StringComparison.Ordinal);
        var skipped = await services.Get<DeliveryLog>().FindAsync(Key(SampleAlerts.Odesa()));
        Assert.Equal(DeliveryStatus.Failed, skipped!.Status);
        Assert.Equal(0, skipped.Attempts);
        Assert.Contains("endpoint disabled", skipped.LastError, StringComparison.Ordinal);
        Assert.Empty(await services.Get<DeliveryRetries>().ListAsync());
    }

    [Fact]
    public async Task EnableAsync_AfterGone_SendsAgain()
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store);
        AnswerWith(StatusCodes.Status410Gone);
        await DeliverAsync(services, SampleAlerts.Kharkiv());

        Assert.Equal(1, await services.Get<DisabledEndpoints>().EnableAsync("relief-hook"));
        var outcome = await DeliverAsync(services, SampleAlerts.Odesa());

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        Assert.Equal(2, _receiver.Requests.Count);
    }

    [Fact]
    public async Task RunDueAsync_ScheduleUsedUp_MarksFailedAndStops()
    {
        await using var store = TestStore.Sqlite();
        await using var services = Services(store, schedule: "00:00:01,00:00:02");
        var alert = SampleAlerts.Kharkiv();
        for (var i = 0; i < 5; i++)
        {
            AnswerWith(StatusCodes.Status502BadGateway);
        }

        await DeliverAsync(services, alert);
        var pump = services.Get<DeliveryRetryPump>();
        services.Time.Advance(TimeSpan.FromSeconds(1));
        await pump.RunDueAsync(CancellationToken.None);
        services.Time.Advance(TimeSpan.FromSeconds(2));
        await pump.RunDueAsync(CancellationToken.None);
        services.Time.Advance(TimeSpan.FromHours(1));
        var afterLast = await pump.RunDueAsync(CancellationToken.None);

        Assert.Equal(0, afterLast);
        Assert.Equal(3, _receiver.Requests.Count);
        var entry = await services.Get<DeliveryLog>().FindAsync(Key(alert));
        Assert.Equal(DeliveryStatus.Failed, entry!.Status);
        Assert.Equal(3, entry.Attempts);
        Assert.Contains("502", entry.LastError, StringComparison.Ordinal);
        Assert.Empty(await services.Get<DeliveryRetries>().ListAsync());
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.Postgres)]
    public async Task ClaimDueAsync_TwoReplicas_OnlyOneGetsTheRetry(StoreProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var services = Services(store);
        var retries = services.Get<DeliveryRetries>();
        await retries.ScheduleAsync(Key(SampleAlerts.Kharkiv()), DeliveryChannel.Webhook, DeliveryServices.Now, CancellationToken.None);

        var first = await retries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None);
        var second = await retries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None);
        services.Time.Advance(TimeSpan.FromMinutes(2));
        var afterClaimExpired = await retries.ClaimDueAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Single(first);
        Assert.Empty(second);
        Assert.Single(afterClaimExpired);
    }
}
