using System.Text;
using System.Text.Json;
using MassTransit.Serialization;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Tests.Routing;

public sealed class AlertPayloadTests
{
    private static string Json(Alert alert) => JsonSerializer.Serialize(alert, WebhookPayload.SerializerOptions);

    [Fact]
    public void From_Alert_HoldsItsWebhookJsonAndHead()
    {
        var alert = SampleAlerts.Kharkiv(version: 2);

        var payload = AlertPayload.From(alert);

        Assert.Equal(Json(alert), Encoding.UTF8.GetString(payload.Json.Span));
        Assert.Equal(new AlertHead("inc-2025-11-08-kharkiv", 2, Severity.Severe, alert.Sent, alert.FirstSeen), payload.Head);
        Assert.Same(alert, payload.Alert);
    }

    [Fact]
    public void Parse_SerialisedAlert_ReadsTheHeadAndTheWholeAlertBack()
    {
        var alert = SampleAlerts.KyivInUkrainian();
        var json = JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions);

        var payload = AlertPayload.Parse(json);

        Assert.Equal(AlertHead.Of(alert), payload.Head);
        Assert.Equal(Json(alert), Json(payload.Alert));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"alertId":"inc-1"}""")]
    [InlineData("""{"alertId":"inc-1","version":1}""")]
    [InlineData("""{"alertId":"","version":1,"sent":"2025-11-08T04:30:00+00:00"}""")]
    [InlineData("""{"alertId":"inc-1","version":"one","sent":"2025-11-08T04:30:00+00:00"}""")]
    [InlineData("""[1,2]""")]
    public void Parse_NotAnAlert_ThrowsJsonException(string json)
    {
        var error = Assert.Throws<JsonException>(() => AlertPayload.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith("An alert payload", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_BatchInMassTransitsEnvelopeLayout_CarriesEachAlertAsItsJsonAndReadsItBack()
    {
        // The message is written with MassTransit's serializer options (camelCase, nulls left out), the alert inside it
        // as routing serialised it (nulls kept), and read back byte for byte.
        var kyiv = AlertPayload.From(SampleAlerts.KyivInUkrainian());
        var odesa = AlertPayload.From(SampleAlerts.Odesa());
        var batch = new WebhookDeliveryBatch(
        [
            new AlertWebhooks(AlertEventKind.Raised, kyiv, null, [new WebhookRecipient("hook-a", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), new WebhookRecipient("hook-b", null)]),
            new AlertWebhooks(AlertEventKind.Cancelled, odesa, "duplicate \"report\"", [new WebhookRecipient("hook-a", null)]),
        ]);

        var message = JsonSerializer.SerializeToUtf8Bytes(batch, SystemTextJsonMessageSerializer.Options);
        var read = JsonSerializer.Deserialize<WebhookDeliveryBatch>(message, SystemTextJsonMessageSerializer.Options)!;

        using var document = JsonDocument.Parse(message);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("alerts")[1].GetProperty("alert").GetProperty("killed").ValueKind);
        Assert.Equal(2, read.Alerts.Count);
        Assert.Equal(kyiv.Json.ToArray(), read.Alerts[0].Alert.Json.ToArray());
        Assert.Equal(odesa.Json.ToArray(), read.Alerts[1].Alert.Json.ToArray());
        Assert.Equal(kyiv.Head, read.Alerts[0].Alert.Head);
        Assert.Equal(["hook-a", "hook-b"], read.Alerts[0].Recipients.Select(r => r.SubscriptionId));
        Assert.Equal(batch.Alerts[0].Recipients[0].TraceParent, read.Alerts[0].Recipients[0].TraceParent);
        Assert.Equal(AlertEventKind.Cancelled, read.Alerts[1].Kind);
        Assert.Equal("duplicate \"report\"", read.Alerts[1].CancelReason);
    }

    [Fact]
    public void Deserialize_BatchWhoseAlertIsNotAnObject_ThrowsJsonException()
    {
        var message = """{"alerts":[{"kind":"Raised","alert":"inc-1","recipients":[]}]}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<WebhookDeliveryBatch>(message, SystemTextJsonMessageSerializer.Options));
    }

    [Fact]
    public void BatchedWebhookDelivery_FromAPayload_AnswersLikeTheAlertsOwnDelivery()
    {
        var alert = SampleAlerts.Kharkiv();
        var payload = AlertPayload.Parse(JsonSerializer.SerializeToUtf8Bytes(alert, WebhookPayload.SerializerOptions));
        IAlertDelivery batched = new BatchedWebhookDelivery(new AlertWebhooks(AlertEventKind.Updated, payload, null, []), "hook-a");
        IAlertDelivery own = new WebhookDelivery(AlertEventKind.Updated, alert, "hook-a");

        Assert.Equal(own.Head, batched.Head);
        Assert.Equal(own.AlertJson.ToArray(), batched.AlertJson.ToArray());
        Assert.Equal(own.Kind, batched.Kind);
        Assert.Equal(own.SubscriptionId, batched.SubscriptionId);
        Assert.Equal(Json(own.Alert), Json(batched.Alert));
    }
}
