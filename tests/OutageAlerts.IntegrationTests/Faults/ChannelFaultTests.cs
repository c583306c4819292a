using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Schema;
using Microsoft.AspNetCore.Http;
using OutageAlerts.Delivery.Sms;
using OutageAlerts.Host;
using OutageAlerts.IntegrationTests.Infrastructure;
using OutageAlerts.IntegrationTests.Pipeline;
using OutageAlerts.Testing;
using SmtpServer.Protocol;
using Xunit.Abstractions;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>
/// Every failure class a channel meets, at once, in one running service over RabbitMQ: webhook endpoints that
/// answer 500, 410, a redirect, too slowly or by resetting the connection; an SMTP relay answering 451 and 550;
/// an SMS gateway answering 429 and "invalid number". The healthy receivers must get everything, undelayed by
/// the broken ones, and each broken one exactly what its failure class allows.
/// </summary>
[Collection(PipelineTests.Name)]
public sealed class ChannelFaultTests(ITestOutputHelper output)
{
    private const string BouncingAddress = "left-the-organisation@example.org";
    private const string InvalidNumber = "+380500000000";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Run_EveryChannelFailureClass_HealthyReceiversGetEverythingAndBrokenOnesWhatTheirClassAllows()
    {
        await using var env = await PipelineEnvironment.StartAsync();
        var attemptsPerId = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await using var hooks = await LocalHttpServer.StartAsync(async (request, context) =>
        {
            var attempt = attemptsPerId.AddOrUpdate($"{request.Path} {request.Header("webhook-id")}", 1, (_, n) => n + 1);
            switch (request.Path)
            {
                case "/hooks/flaky" when attempt == 1:
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    break;
                case "/hooks/gone":
                    context.Response.StatusCode = StatusCodes.Status410Gone;
                    break;
                case "/hooks/redirect":
                    context.Response.StatusCode = StatusCodes.Status302Found;
                    context.Response.Headers.Location = "/hooks/elsewhere";
                    break;
                case "/hooks/slow" when attempt == 1:
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    break;
                case "/hooks/reset" when attempt == 1:
                    context.Abort();
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    break;
            }
        });
        var smtpAnswers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await using var smtp = LocalSmtpServer.Start(message =>
        {
            var to = message.To.Mailboxes.Single().Address;
            var id = $"{to} {message.Headers["X-OutageAlerts-Alert-Id"]} v{message.Headers["X-OutageAlerts-Version"]}";
            var attempt = smtpAnswers.AddOrUpdate(id, 1, (_, n) => n + 1);
            return to == BouncingAddress ? new SmtpResponse((SmtpReplyCode)550, "no such mailbox")
                : attempt == 1 ? new SmtpResponse((SmtpReplyCode)451, "greylisted, try again") : SmtpResponse.Ok;
        });
        var smsAttempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await using var sms = await LocalHttpServer.StartAsync(async (request, context) =>
        {
            var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.BodyText);
            var to = form["To"].ToString();
            var attempt = smsAttempts.AddOrUpdate($"{to} {form["Body"]}", 1, (_, n) => n + 1);
            context.Response.ContentType = "application/json";
            if (to == InvalidNumber)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("""{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}""");
            }
            else if (attempt == 1)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("""{"code":20429,"message":"Too Many Requests","status":429}""");
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status201Created;
                await context.Response.WriteAsync("""{"sid":"SM11111111111111111111111111111111","status":"queued"}""");
            }
        });

        var overrides = new Dictionary<string, string?>
        {
            ["OutageAlerts:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["OutageAlerts:Sms:BaseUrl"] = sms.BaseAddress.AbsoluteUri,
            ["OutageAlerts:Sms:MaxPerSecond"] = "0",
            ["OutageAlerts:Webhooks:Timeout"] = "00:00:02",
            ["OutageAlerts:Webhooks:RetrySchedule:0"] = "00:00:01",
            ["OutageAlerts:Webhooks:RetrySchedule:1"] = "00:00:01",
            ["OutageAlerts:Webhooks:RetrySchedule:2"] = "00:00:02",
            ["OutageAlerts:Webhooks:RetryPollInterval"] = "00:00:00.200",
            ["OutageAlerts:Delivery:RetryMinInterval"] = "00:00:00.200",
            ["OutageAlerts:Delivery:RetryMaxInterval"] = "00:00:01",
        };
        var index = 3;
        foreach (var (id, path, format) in new[]
                 {
                     ("flaky", "hooks/flaky", "json"), ("gone", "hooks/gone", "json"), ("redirect", "hooks/redirect", "json"),
                     ("slow", "hooks/slow", "json"), ("reset", "hooks/reset", "json"), ("cap", "hooks/cap", "cap"),
                 })
        {
            Subscription(overrides, index++, id, "webhook", hooks.Url(path).AbsoluteUri, format, "Minor");
        }

        Subscription(overrides, index++, "bounce", "email", BouncingAddress, null, "Severe");
        Subscription(overrides, index, "bad-number", "sms", InvalidNumber, null, "Extreme");

        var webhookItems = TestFeeds.All.Where(i => i.Expect.HasFlag(Expect.Webhook)).ToList();
        var emailItems = TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Email));
        var smsItems = TestFeeds.All.Count(i => i.Expect.HasFlag(Expect.Sms));
        await using var host = env.BuildHost(ServiceRoles.All, overrides);
        await host.StartAsync();
        try
        {
            await env.Webhooks.WaitForAsync(webhookItems.Count, Timeout);
            foreach (var path in new[] { "/hooks/flaky", "/hooks/slow", "/hooks/reset", "/hooks/cap" })
            {
                await WaitForDistinctIdsAsync(hooks, path, webhookItems.Count, attemptsPerId, path == "/hooks/cap" ? 1 : 2);
            }

            await WaitUntilAsync(() => smtp.Messages.Count(m => m.To.Mailboxes.Single().Address == PipelineEnvironment.EmailRecipient) >= emailItems);
            await WaitUntilAsync(() => sms.Requests.Count(r => r.BodyText.Contains(Uri.EscapeDataString(PipelineEnvironment.SmsRecipient), StringComparison.Ordinal)) >= 2 * smsItems);
            // Anything sent twice, or retried when it must not be, shows up within a few more retry rounds.
            await Task.Delay(TimeSpan.FromSeconds(4));
        }
        finally
        {
            await host.StopAsync();
        }

        var rows = new List<FaultRow>();
        var healthy = env.Webhooks.Requests;
        Assert.Equal(webhookItems.Count, healthy.Count);
        Assert.All(healthy, r => Assert.True(SignatureIsValid(r, PipelineEnvironment.WebhookSecret), "bad webhook-signature"));

        rows.Add(Row(hooks, "/hooks/flaky", "webhook answers 500 once per message", webhookItems.Count, attemptsPerId, expectedAttempts: 2));
        rows.Add(Row(hooks, "/hooks/slow", "webhook answers after the 2 s timeout once per message", webhookItems.Count, attemptsPerId, expectedAttempts: 2));
        rows.Add(Row(hooks, "/hooks/reset", "webhook resets the connection once per message", webhookItems.Count, attemptsPerId, expectedAttempts: 2));

        var gone = hooks.Requests.Count(r => r.Path == "/hooks/gone");
        Assert.Equal(1, gone);
        rows.Add(new FaultRow("webhook answers 410 Gone", 1, 1, 0, 0, 0, $"{gone} request; endpoint disabled, later alerts not sent"));

        var redirects = hooks.Requests.Where(r => r.Path == "/hooks/redirect").ToList();
        Assert.Equal(webhookItems.Count, redirects.Count);
        Assert.Equal(redirects.Count, redirects.Select(r => r.Header("webhook-id")).Distinct().Count());
        Assert.DoesNotContain(hooks.Requests, r => r.Path == "/hooks/elsewhere");
        rows.Add(new FaultRow("webhook answers 302", redirects.Count, webhookItems.Count, 0, 0, 0, "one request per alert, redirect never followed, logged failed"));

        var schema = CapSchema();
        foreach (var document in hooks.Requests.Where(r => r.Path == "/hooks/cap"))
        {
            Assert.Equal("application/cap+xml", document.Header("Content-Type")?.Split(';')[0]);
            Assert.Empty(Validate(document.Body, schema));
        }

        var desk = smtp.Messages.Where(m => m.To.Mailboxes.Single().Address == PipelineEnvironment.EmailRecipient).ToList();
        var deskVersions = desk.Select(m => $"{m.Headers["X-OutageAlerts-Alert-Id"]} v{m.Headers["X-OutageAlerts-Version"]}").ToList();
        Assert.Equal(deskVersions.Count, deskVersions.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(emailItems, desk.Select(m => m.Headers["X-OutageAlerts-Alert-Id"]).Distinct(StringComparer.Ordinal).Count());
        Assert.All(desk, m => Assert.Matches(@"^\[(SEVERE|EXTREME)\] ", m.Subject));
        Assert.All(desk, m => Assert.IsType<MimeKit.MultipartAlternative>(m.Body));
        rows.Add(new FaultRow("SMTP answers 451 once per message", smtpAnswers.Count(a => !a.Key.StartsWith(BouncingAddress, StringComparison.Ordinal)),
            emailItems, desk.Select(m => m.Headers["X-OutageAlerts-Alert-Id"]).Distinct(StringComparer.Ordinal).Count(), deskVersions.Count - deskVersions.Distinct(StringComparer.Ordinal).Count(), 0,
            "every Severe+ alert mailed once after one retry"));

        var bounces = smtpAnswers.Where(a => a.Key.StartsWith(BouncingAddress, StringComparison.Ordinal)).ToList();
        Assert.Equal(emailItems, bounces.Count);
        Assert.All(bounces, b => Assert.Equal(1, b.Value));
        rows.Add(new FaultRow("SMTP answers 550 for one recipient", bounces.Count, emailItems, 0, 0, 0, "one attempt per alert, never retried; other recipient unaffected"));

        var delivered = sms.Requests
            .Select(r => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(r.BodyText))
            .Where(f => f["To"] == PipelineEnvironment.SmsRecipient)
            .ToList();
        var bodies = delivered.Select(f => f["Body"].ToString()).ToList();
        Assert.Equal(2 * smsItems, bodies.Count);
        Assert.Equal(smsItems, bodies.Distinct(StringComparer.Ordinal).Count());
        Assert.All(bodies, b => Assert.InRange(SmsSegments.Measure(b).Segments, 1, 2));
        Assert.All(delivered, f => Assert.Matches(@"^\+[1-9][0-9]{7,14}$", f["To"].ToString()));
        rows.Add(new FaultRow("SMS gateway answers 429 once per message", smsItems, smsItems, bodies.Distinct(StringComparer.Ordinal).Count(), 0, 0, "sent again after Retry-After, at most 2 segments"));

        var invalid = sms.Requests.Count(r => r.BodyText.Contains(Uri.EscapeDataString(InvalidNumber), StringComparison.Ordinal));
        Assert.Equal(smsItems, invalid);
        rows.Add(new FaultRow("SMS gateway: invalid number (Twilio 21211)", invalid, smsItems, 0, 0, 0, "one attempt per alert, never retried"));

        string table = "";
        foreach (var row in rows)
        {
            table = FaultSummary.Record(row);
        }

        output.WriteLine(table);
    }

    private static void Subscription(Dictionary<string, string?> settings, int index, string id, string channel, string target, string? format, string minSeverity)
    {
        var prefix = $"OutageAlerts:Subscriptions:{index}:";
        settings[prefix + "Id"] = id;
        settings[prefix + "Channel"] = channel;
        settings[prefix + "Target"] = target;
        settings[prefix + "MinSeverity"] = minSeverity;
        if (channel == "webhook")
        {
            settings[prefix + "Secret"] = PipelineEnvironment.WebhookSecret;
            settings[prefix + "Format"] = format;
        }
    }

    private static FaultRow Row(
        LocalHttpServer hooks, string path, string fault, int expected, ConcurrentDictionary<string, int> attemptsPerId, int expectedAttempts)
    {
        var ids = hooks.Requests.Where(r => r.Path == path).Select(r => r.Header("webhook-id")!).ToList();
        var distinct = ids.Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(expected, distinct);
        Assert.All(ids.GroupBy(i => i), g => Assert.Equal(expectedAttempts, g.Count()));
        Assert.Equal(expected * expectedAttempts, attemptsPerId.Where(a => a.Key.StartsWith(path + " ", StringComparison.Ordinal)).Sum(a => a.Value));
        return new FaultRow(fault, expected, expected, distinct, 0, expected - distinct, $"{ids.Count} requests, same webhook-id on the retry");
    }

    private static async Task WaitForDistinctIdsAsync(
        LocalHttpServer hooks, string path, int count, ConcurrentDictionary<string, int> attemptsPerId, int attempts)
    {
        await WaitUntilAsync(() => attemptsPerId.Count(a => a.Key.StartsWith(path + " ", StringComparison.Ordinal) && a.Value >= attempts) >= count);
        _ = hooks;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>Standard Webhooks v1 checked without the service's code: HMAC-SHA256 of id.timestamp.body.</summary>
    private static bool SignatureIsValid(ReceivedRequest request, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{request.Header("webhook-id")}.{request.Header("webhook-timestamp")}.").Concat(request.Body).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        return request.Header("webhook-signature")!.Split(' ').Contains(expected, StringComparer.Ordinal)
               && JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("alertId").GetString() is { Length: > 0 };
    }

    private static XmlSchemaSet CapSchema()
    {
        var schemas = new XmlSchemaSet();
        schemas.Add("urn:oasis:names:tc:emergency:cap:1.2", SharedFiles.PathTo("conformance/cap/CAP-v1.2.xsd")
            ?? throw new InvalidOperationException("../shared/conformance/cap/CAP-v1.2.xsd is missing"));
        return schemas;
    }

    private static List<string> Validate(byte[] xml, XmlSchemaSet schemas)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }
}
