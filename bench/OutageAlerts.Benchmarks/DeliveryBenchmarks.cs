using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Benchmarks;

/// <summary>
/// What a webhook delivery costs before it reaches the network: the JSON body, the Standard Webhooks signature
/// (id, HMAC-SHA256 over id.timestamp.body), and for CAP subscribers the CAP 1.2 XML document instead.
/// </summary>
[MemoryDiagnoser]
public class DeliveryBenchmarks
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 30, 4, 12, 0, TimeSpan.Zero);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private byte[] _body = [];
    private byte[] _alertJson = [];

    /// <summary>An update with a realistic amount of text, sources and references.</summary>
    public static Alert Sample { get; } = new()
    {
        AlertId = "oa-3f9c2a71d0b4",
        Version = 2,
        MsgType = MsgType.Update,
        Sent = Sent,
        Severity = Severity.Extreme,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Observed,
        Event = "Strike on energy infrastructure",
        Headline = "Missile strike on Kharkiv thermal power plant: 12 killed, city without heating",
        Description = "A missile hit the thermal power plant in Kharkiv overnight. Twelve people were killed and 31 injured; "
            + "about 180,000 households are without electricity and heating. Repair crews cannot reach the site while the alert lasts.",
        Targets = ["power_grid", "heating"],
        Country = "UA",
        Regions = ["UA-63"],
        Killed = 12,
        Injured = 31,
        OutageCustomers = 180_000,
        Reasons = ["strike verb near target: missile → power plant", "12 killed → Extreme", "180,000 households without power → Extreme"],
        Changes = ["killed 9 → 12", "injured 20 → 31"],
        Sources =
        [
            new AlertSource("wire-en", "wire-184467", "Missile strike on Kharkiv power plant kills nine", "https://news.example.org/184467", Sent.AddMinutes(-50)),
            new AlertSource("wire-uk", "ua-99120", "Удар по ТЕЦ у Харкові: 12 загиблих", "https://novyny.example.org/99120", Sent.AddMinutes(-5)),
        ],
        References = ["outage-alerts,oa-3f9c2a71d0b4.1,2026-11-30T03:22:00+00:00"],
        Language = "en",
        Area = new AlertArea("Kharkiv", 49.99, 36.23, 20),
        FirstSeen = Sent.AddMinutes(-49),
    };

    [GlobalSetup]
    public void Setup()
    {
        _body = WebhookPayload.Serialize(AlertEventKind.Updated, Sample, Sent);
        _alertJson = JsonSerializer.SerializeToUtf8Bytes(Sample, WebhookPayload.SerializerOptions);
    }

    /// <summary>The JSON body a webhook POST carries.</summary>
    [Benchmark]
    public int SerializeWebhookBody() => WebhookPayload.Serialize(AlertEventKind.Updated, Sample, Sent).Length;

    /// <summary>Message id and signature of one body: what every attempt computes.</summary>
    [Benchmark]
    public int SignWebhook()
    {
        var id = WebhookSignature.MessageId(Sample.AlertId, Sample.Version, "ngo-webhook");
        return WebhookSignature.Sign(_key, id, Sent.ToUnixTimeSeconds(), _body).Length;
    }

    /// <summary>The CAP 1.2 XML document for a subscription that asked for <c>application/cap+xml</c>.</summary>
    [Benchmark]
    public int RenderCap() => CapDocument.Serialize(AlertEventKind.Updated, Sample).Length;

    /// <summary>
    /// The delivery side of one webhook before session 18: the alert read back into objects from the message, then
    /// serialised for the archive and again for the body.
    /// </summary>
    [Benchmark]
    public int DeliverySideFromAlertObject()
    {
        var alert = JsonSerializer.Deserialize<Alert>(_alertJson, WebhookPayload.SerializerOptions)!;
        var archived = JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions);
        return archived.Length + WebhookPayload.Serialize(AlertEventKind.Updated, alert, Sent).Length;
    }

    /// <summary>
    /// The same since session 18: the alert stays the JSON routing wrote (its head read from it), the archive takes
    /// that JSON as it is, and the body wraps it.
    /// </summary>
    [Benchmark]
    public int DeliverySideFromRoutedJson()
    {
        var payload = AlertPayload.Parse(_alertJson);
        return payload.Head.Version + WebhookPayload.Serialize(AlertEventKind.Updated, payload.Json.Span, Sent).Length;
    }
}
