using System.Diagnostics;
using OpenTelemetry.Trace;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;

namespace OutageAlerts.IntegrationTests.Telemetry;

/// <summary>
/// One report's whole path in one trace, recorded with OpenTelemetry's in-memory exporter from the real service
/// (in-memory bus, local HTTP feed, local webhook receiver, SMTP server and SMS gateway).
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class TelemetrySpanTreeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TestItem Strike = new(
        "obs-1",
        "Missile strike on Kyiv thermal power plant kills 11, districts without heat and power",
        "Russian missiles struck a combined heat and power plant in Kyiv overnight, killing 11 people and injuring 17. Several districts of the capital lost heating and electricity.",
        new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero),
        Expect.Webhook | Expect.Email | Expect.Sms);

    [Fact]
    public async Task Run_StrikeInFeed_OneTraceRunsFromThePollToEveryDelivery()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve(Strike);
        var spans = new List<Activity>();

        await using (var host = env.BuildHost(ServiceRoles.All, services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))))
        {
            await host.StartAsync();
            await env.Webhooks.WaitForAsync(1, Timeout);
            await env.Smtp.WaitForAsync(1, Timeout);
            await env.Sms.WaitForAsync(1, Timeout);
            // Stopping ends the spans still open (the delivery spans close after their HTTP/SMTP exchange).
            await host.StopAsync();
        }

        var webhook = Assert.Single(env.Webhooks.Requests);
        var traceparent = webhook.Header("traceparent");
        Assert.NotNull(traceparent);
        var parts = traceparent.Split('-');
        var traceId = parts[1];
        List<Activity> trace;
        lock (spans)
        {
            trace = [.. spans.Where(s => s.TraceId.ToHexString() == traceId)];
        }

        // Parent-child links intact: every span but the root has its parent in the same trace.
        var byId = trace.ToDictionary(s => s.SpanId);
        var roots = trace.Where(s => !byId.ContainsKey(s.ParentSpanId)).ToList();
        Assert.True(roots.Count == 1, "more than one root: " + string.Join(", ", roots.Select(r => r.DisplayName)));

        var poll = Single(trace, s => s.Source.Name == "OutageAlerts.Ingestion" && s.DisplayName == $"poll {TelemetryTestEnvironment.FeedName}");
        Assert.Equal(TelemetryTestEnvironment.FeedName, poll.GetTagItem("outagealerts.feed.name"));
        Assert.Equal("Ok", poll.GetTagItem("outagealerts.poll.outcome"));

        // The feed was fetched in this trace, and the feed server saw the same trace id.
        var fetch = Single(trace, s => s.DisplayName == "feeds.fetch");
        Assert.Equal(ActivityKind.Client, fetch.Kind);
        AssertDescends(fetch, poll, byId);
        var feedGet = Single(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http" && Equals(s.GetTagItem("http.request.method"), "GET"));
        AssertDescends(feedGet, fetch, byId);
        Assert.Contains(env.Feeds.Requests, r => r.Header("traceparent")?.Split('-')[1] == traceId);

        // Classification: decision, severity, targets and region on the item's span.
        var item = Single(trace, s => s.DisplayName == "process item");
        AssertDescends(item, poll, byId);
        Assert.Equal(Strike.ItemId, item.GetTagItem("outagealerts.item.id"));
        Assert.Equal("alert", item.GetTagItem("outagealerts.classification.decision"));
        Assert.Equal("Extreme", item.GetTagItem("outagealerts.classification.severity"));
        var targets = Assert.IsType<string>(item.GetTagItem("outagealerts.classification.targets")).Split(',');
        Assert.Contains("power_grid", targets);
        Assert.Contains("heating", targets);
        Assert.Equal("UA-30", item.GetTagItem("outagealerts.classification.region"));
        AssertDescends(Single(trace, s => s.DisplayName == "classify"), item, byId);

        // Incident decision.
        var correlate = Single(trace, s => s.DisplayName == "correlate report");
        AssertDescends(correlate, item, byId);
        Assert.Equal("New", correlate.GetTagItem("outagealerts.incident.decision"));
        Assert.Equal("New", item.GetTagItem("outagealerts.incident.decision"));

        // Publish, then MassTransit carries the trace to routing.
        var publish = Single(trace, s => s.DisplayName == "publish alert");
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        AssertDescends(publish, item, byId);
        var route = Single(trace, s => s.DisplayName == "route alert");
        AssertDescends(route, publish, byId);
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer && IsAncestor(s, route, byId));

        // Every delivery attempt, each a descendant of routing.
        var deliverWebhook = Single(trace, s => s.DisplayName == "deliver webhook");
        AssertDescends(deliverWebhook, route, byId);
        AssertDescends(Single(trace, s => s.DisplayName == "deliver email"), route, byId);
        var deliverSms = Single(trace, s => s.DisplayName == "deliver sms");
        AssertDescends(deliverSms, route, byId);

        // The webhook's HTTP client span is a child of its delivery attempt, and the receiver got its span id as parent.
        var post = Single(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http"
            && Equals(s.GetTagItem("http.request.method"), "POST") && IsAncestor(deliverWebhook, s, byId));
        Assert.Equal(200, post.GetTagItem("http.response.status_code"));
        Assert.Equal(post.SpanId.ToHexString(), parts[2]);
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http"
            && Equals(s.GetTagItem("http.request.method"), "POST") && IsAncestor(deliverSms, s, byId));
    }

    [Fact]
    public async Task Run_StrikeInFeed_NoSpanAttributeHoldsASecretOrAnUnmaskedRecipient()
    {
        await using var env = await TelemetryTestEnvironment.StartAsync();
        env.Serve(Strike);
        var spans = new List<Activity>();

        await using (var host = env.BuildHost(ServiceRoles.All, services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))))
        {
            await host.StartAsync();
            await env.Webhooks.WaitForAsync(1, Timeout);
            await env.Smtp.WaitForAsync(1, Timeout);
            await env.Sms.WaitForAsync(1, Timeout);
            await host.StopAsync();
        }

        List<(string Span, string Key, string Value)> attributes;
        lock (spans)
        {
            attributes = [.. spans.SelectMany(s => s.TagObjects.Select(t => (s.DisplayName, t.Key, Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")))];
        }

        Assert.Contains(attributes, a => a.Key == "outagealerts.subscription.id");
        string[] secrets =
        [
            TelemetryTestEnvironment.WebhookSecret,
            TelemetryTestEnvironment.WebhookSecret["whsec_".Length..],
            TelemetryTestEnvironment.SmsAuthToken,
            TelemetryTestEnvironment.EmailRecipient,
            TelemetryTestEnvironment.SmsRecipient,
            TelemetryTestEnvironment.SmsRecipient.TrimStart('+'),
        ];
        var leaks = attributes
            .Where(a => secrets.Any(secret => a.Value.Contains(secret, StringComparison.OrdinalIgnoreCase)))
            .Select(a => $"{a.Span}: {a.Key}={a.Value}")
            .ToList();
        Assert.True(leaks.Count == 0, "span attributes leak secrets or recipients:\n" + string.Join('\n', leaks));
    }

    private static Activity Single(IEnumerable<Activity> trace, Func<Activity, bool> predicate)
    {
        var matching = trace.Where(predicate).ToList();
        Assert.True(matching.Count == 1, $"expected one matching span, found {matching.Count}: {string.Join(", ", matching.Select(m => m.DisplayName))}");
        return matching[0];
    }

    private static void AssertDescends(Activity span, Activity ancestor, IReadOnlyDictionary<ActivitySpanId, Activity> byId) =>
        Assert.True(IsAncestor(ancestor, span, byId), $"'{span.DisplayName}' does not descend from '{ancestor.DisplayName}'");

    private static bool IsAncestor(Activity ancestor, Activity span, IReadOnlyDictionary<ActivitySpanId, Activity> byId)
    {
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
