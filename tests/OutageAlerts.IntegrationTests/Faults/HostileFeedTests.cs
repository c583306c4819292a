using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutageAlerts.Host;
using OutageAlerts.Ingestion.State;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using Xunit.Abstractions;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>
/// Hostile publishers next to honest ones: an entity bomb, an external entity pointing at a local file, a 50 MB
/// body, a body trickling one byte at a time, and garbage. The honest feeds' alerts must all arrive, nothing from
/// the hostile ones may, and each hostile feed must show a clear error in its state.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class HostileFeedTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Hostile = ["entity-bomb", "external-entity", "huge", "trickle", "garbage"];

    // These cannot be read at all; the other two are well-formed apart from their entities, which stay unexpanded.
    private static readonly string[] Unreadable = ["huge", "trickle", "garbage"];

    [Fact]
    public async Task Run_HostileFeedsNextToHonestOnes_HonestAlertsArriveAndHostileFeedsFailClearly()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        // Another publisher: another host (127.0.0.2), as in the wild, so the per-host fetch limit applies separately.
        var (hostile, hostileUrl) = await StartHostileServerAsync();
        await using var _ = hostile;
        var overrides = new Dictionary<string, string?>
        {
            ["OutageAlerts:FeedFetching:AttemptTimeout"] = "00:00:03",
            ["OutageAlerts:FeedFetching:Timeout"] = "00:00:08",
            ["OutageAlerts:FeedFetching:MaxRetries"] = "0",
        };
        for (var i = 0; i < Hostile.Length; i++)
        {
            overrides[$"OutageAlerts:Feeds:{3 + i}:Name"] = Hostile[i];
            overrides[$"OutageAlerts:Feeds:{3 + i}:Url"] = $"{hostileUrl}{Hostile[i]}.xml";
            overrides[$"OutageAlerts:Feeds:{3 + i}:Interval"] = "00:00:02";
        }

        // The external-entity feed carries a genuine strike report; it alerts, without the file's contents.
        var expected = TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Webhook)) + 1;
        await using var host = env.BuildHost(ServiceRoles.All, overrides);
        var started = DateTimeOffset.UtcNow;
        await host.StartAsync();
        await env.Webhooks.WaitForAsync(expected, Timeout);
        var honestSeconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        var administration = host.Services.GetRequiredService<FeedStateAdministration>();
        IReadOnlyList<FeedState> states = [];
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            states = await administration.ListAsync(CancellationToken.None);
            if (Unreadable.All(name => states.Any(s => s.Feed == name && s.LastError is not null))
                && Hostile.All(name => states.Any(s => s.Feed == name)))
            {
                break;
            }

            await Task.Delay(250);
        }

        var memoryMb = Environment.WorkingSet / (1024 * 1024);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await host.StopAsync();

        Assert.Equal(expected, env.Webhooks.Requests.Count);
        Assert.DoesNotContain(env.Webhooks.Requests, r => r.BodyText.Contains("root:", StringComparison.Ordinal));
        Assert.DoesNotContain(env.Webhooks.Requests, r => r.BodyText.Contains("lollol", StringComparison.Ordinal));
        Assert.Single(env.Webhooks.Requests, r => r.BodyText.Contains("xxe-1", StringComparison.Ordinal));
        foreach (var name in Hostile)
        {
            var state = Assert.Single(states, s => s.Feed == name);
            if (Unreadable.Contains(name))
            {
                Assert.True(state.LastError is { Length: > 0 }, $"{name}: no error recorded ({state.Status})");
                Assert.Null(state.LastSuccess);
            }

            output.WriteLine($"{name}: {state.Status} — {state.LastError ?? "parsed, entities left unexpanded"}");
        }

        output.WriteLine(FaultSummary.Record(new FaultRow(
            "hostile feeds (entity bomb, external entity, 50 MB body, 1 byte/200 ms trickle, garbage) beside honest ones",
            Hostile.Length,
            expected,
            env.Webhooks.Requests.Count,
            0,
            expected - env.Webhooks.Requests.Count,
            $"honest alerts all in {honestSeconds:0.0} s; the 3 unreadable feeds back off with a reason, entities never expanded or resolved; test process {memoryMb} MB")));
    }

    private static async Task<(WebApplication App, string Url)> StartHostileServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.2:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/entity-bomb.xml", () => Results.Text(EntityBomb(), "application/rss+xml"));
        app.MapGet("/external-entity.xml", () => Results.Text(
            """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY leak SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><title>Leak &leak;</title>
            <item><guid>xxe-1</guid><title>Missile strike on Kyiv power plant kills 15 &leak;</title>
            <description>&leak;</description></item></channel></rss>
            """,
            "application/rss+xml"));
        app.MapGet("/huge.xml", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/rss+xml";
            var chunk = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>"));
            for (var written = 0L; written < 50L * 1024 * 1024 && !context.RequestAborted.IsCancellationRequested; written += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        app.MapGet("/trickle.xml", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.StartAsync();
            foreach (var b in Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>slow</title>" + new string(' ', 10_000)))
            {
                await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
            }
        });
        app.MapGet("/garbage.xml", () => Results.Bytes(Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256)).ToArray(), "application/rss+xml"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, address.TrimEnd('/') + "/");
    }

    private static string EntityBomb()
    {
        var xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            xml.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))}\">\n");
        }

        xml.Append("]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><guid>bomb-1</guid><title>Strike &lol9;</title></item></channel></rss>");
        return xml.ToString();
    }
}
