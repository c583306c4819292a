using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Metadata;
using MassTransit.Serialization;
using OutageAlerts.Contracts;
using OutageAlerts.Host.Messaging;

namespace OutageAlerts.IntegrationTests.Messaging;

/// <summary>
/// The envelope read once gives consumers what MassTransit's own deserializer gives them, field by field, from the same
/// bytes (issue 10: MassTransit's parsed each message three times).
/// </summary>
public sealed class EnvelopeDeserializerTests
{
    private static readonly Alert Alert = new()
    {
        AlertId = "oa-envelope-read-once",
        Version = 3,
        MsgType = MsgType.Update,
        Sent = new DateTimeOffset(2026, 12, 1, 5, 30, 0, TimeSpan.Zero),
        Severity = Severity.Extreme,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Observed,
        Event = "Strike on a power substation",
        // Escapes, non-ASCII text and a surrogate pair: the message's range must be counted in bytes, not characters.
        Headline = "Підстанцію в Харкові уражено: \"без світла\" — 40 000 абонентів \U0001F50C",
        Description = "Written for this test; the event is invented.\nSecond line.",
        Country = "UA",
        Regions = ["Kharkiv Oblast"],
        Killed = 2,
    };

    [Fact]
    public void Deserialize_EnvelopeMassTransitWrote_SameContextAsMassTransitsDeserializer()
    {
        var body = EnvelopeBytes(Envelope());

        var theirs = SystemTextJsonMessageSerializer.Instance.Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);
        var ours = new EnvelopeDeserializer().Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);

        Assert.Equal(theirs.MessageId, ours.MessageId);
        Assert.Equal(theirs.RequestId, ours.RequestId);
        Assert.Equal(theirs.CorrelationId, ours.CorrelationId);
        Assert.Equal(theirs.ConversationId, ours.ConversationId);
        Assert.Equal(theirs.InitiatorId, ours.InitiatorId);
        Assert.Equal(theirs.SourceAddress, ours.SourceAddress);
        Assert.Equal(theirs.DestinationAddress, ours.DestinationAddress);
        Assert.Equal(theirs.ResponseAddress, ours.ResponseAddress);
        Assert.Equal(theirs.FaultAddress, ours.FaultAddress);
        Assert.Equal(theirs.SentTime, ours.SentTime);
        Assert.Equal(theirs.ExpirationTime, ours.ExpirationTime);
        Assert.Equal(theirs.SupportedMessageTypes, ours.SupportedMessageTypes);
        Assert.Equal(theirs.Host.MachineName, ours.Host.MachineName);
        Assert.Equal(theirs.Host.MassTransitVersion, ours.Host.MassTransitVersion);
        Assert.NotNull(ours.MessageId);
        Assert.Equal(new Uri("rabbitmq://broker/outage-alerts/alert-routing"), ours.DestinationAddress);
    }

    [Fact]
    public void Deserialize_HeadersOfEveryKind_ReadAsMassTransitReadsThem()
    {
        var body = EnvelopeBytes(Envelope());

        var theirs = SystemTextJsonMessageSerializer.Instance.Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);
        var ours = new EnvelopeDeserializer().Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);

        Assert.Equal(theirs.Headers.GetAll().Select(h => h.Key).Order(), ours.Headers.GetAll().Select(h => h.Key).Order());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", ours.Headers.Get<string>("MT-Activity-Id"));
        Assert.Equal(theirs.Headers.Get<string>("MT-Activity-Id"), ours.Headers.Get<string>("MT-Activity-Id"));
        Assert.Equal(3, ours.Headers.Get<int>("MT-Redelivery-Count"));
        Assert.Equal(theirs.Headers.Get<int>("MT-Redelivery-Count"), ours.Headers.Get<int>("MT-Redelivery-Count"));
        Assert.True(ours.Headers.TryGetHeader("nested", out var nested));
        Assert.True(theirs.Headers.TryGetHeader("nested", out var theirNested));
        Assert.Equal(theirNested.ToString(), nested.ToString());
    }

    [Fact]
    public void TryGetMessage_TheEnvelopesMessageType_SameMessageAsMassTransitsDeserializer()
    {
        var body = EnvelopeBytes(Envelope());

        var theirs = SystemTextJsonMessageSerializer.Instance.Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);
        var ours = new EnvelopeDeserializer().Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);

        Assert.True(theirs.TryGetMessage<AlertRaised>(out var expected));
        Assert.True(ours.TryGetMessage<AlertRaised>(out var actual));
        Assert.NotNull(actual);
        Assert.Equal(Alert.Headline, actual.Alert.Headline);
        Assert.Equal(Alert.Description, actual.Alert.Description);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

        Assert.True(ours.TryGetMessage(typeof(AlertRaised), out var untyped));
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize((AlertRaised)untyped));

        Assert.True(theirs.TryGetMessage<JsonObject>(out var theirObject));
        Assert.True(ours.TryGetMessage<JsonObject>(out var ourObject));
        Assert.Equal(theirObject!.ToJsonString(), ourObject!.ToJsonString());
    }

    [Fact]
    public void TryGetMessage_TypeTheEnvelopeDoesNotName_NoMessageLikeMassTransit()
    {
        var body = EnvelopeBytes(Envelope());

        var theirs = SystemTextJsonMessageSerializer.Instance.Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);
        var ours = new EnvelopeDeserializer().Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);

        Assert.False(theirs.TryGetMessage<AlertCancelled>(out _));
        Assert.False(ours.TryGetMessage<AlertCancelled>(out var cancelled));
        Assert.Null(cancelled);
    }

    [Fact]
    public void Deserialize_MessageFirstAndIndentedEnvelope_FindsTheMessagesBytes()
    {
        // Another writer may order the fields differently or indent them; the range still covers exactly the message.
        var envelope = Envelope();
        var indented = new JsonSerializerOptions(SystemTextJsonMessageSerializer.Options) { WriteIndented = true };
        var fields = JsonSerializer.SerializeToNode(envelope, indented)!.AsObject();
        var reordered = new JsonObject { ["message"] = fields["message"]!.DeepClone() };
        foreach (var (name, value) in fields.Where(f => f.Key != "message"))
        {
            reordered[name] = value?.DeepClone();
        }

        var body = Encoding.UTF8.GetBytes(reordered.ToJsonString(indented));

        var ours = new EnvelopeDeserializer().Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance);

        Assert.True(ours.TryGetMessage<AlertRaised>(out var actual));
        Assert.NotNull(actual);
        Assert.Equal(Alert.Headline, actual.Alert.Headline);
        Assert.Equal(envelope.MessageId, ours.MessageId?.ToString());
    }

    [Theory]
    [InlineData("{\"messageId\":\"0b1c5f2e-55f6-4a9f-9d3c-2a3e6f0f9c11\",\"messageType\":[\"urn:message:OutageAlerts.Contracts:AlertRaised\"]}")]
    [InlineData("{\"messageType\":[\"urn:message:OutageAlerts.Contracts:AlertRaised\"],\"message\":null}")]
    [InlineData("{\"messageType\":[\"urn:message:OutageAlerts.Contracts:AlertRaised\"],\"message\":{\"alert\":")]
    [InlineData("not json")]
    [InlineData("null")]
    public void Deserialize_NoUsableMessage_SerializationExceptionLikeMassTransit(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);

        Assert.ThrowsAny<SerializationException>(() => SystemTextJsonMessageSerializer.Instance.Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance));
        Assert.Throws<SerializationException>(() => new EnvelopeDeserializer().Deserialize(new BytesMessageBody(body), EmptyHeaders.Instance));
    }

    private static JsonMessageEnvelope Envelope()
    {
        var envelope = new JsonMessageEnvelope
        {
            MessageId = "0b1c5f2e-55f6-4a9f-9d3c-2a3e6f0f9c11",
            RequestId = "7d7f7c55-8c0e-4f43-9a55-6a6a1c8e2b01",
            CorrelationId = "1f0e2d3c-4b5a-4968-8776-655443322110",
            ConversationId = "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b",
            InitiatorId = "3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a",
            SourceAddress = "rabbitmq://broker/outage-alerts/ingestion_bus",
            DestinationAddress = "rabbitmq://broker/outage-alerts/alert-routing",
            ResponseAddress = "rabbitmq://broker/outage-alerts/responses",
            FaultAddress = "rabbitmq://broker/outage-alerts/faults",
            MessageType = [MessageUrn.ForTypeString<AlertRaised>()],
            Message = new AlertRaised(Alert),
            ExpirationTime = new DateTime(2026, 12, 2, 5, 30, 0, DateTimeKind.Utc),
            SentTime = new DateTime(2026, 12, 1, 5, 30, 1, DateTimeKind.Utc),
            Host = new BusHostInfo(true),
        };
        envelope.Headers["MT-Activity-Id"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        envelope.Headers["MT-Redelivery-Count"] = 3;
        envelope.Headers["nested"] = new Dictionary<string, object> { ["feed"] = "wire", ["items"] = new[] { 1, 2 } };
        return envelope;
    }

    // As MassTransit writes it (SystemTextJsonMessageBody): the envelope with its options.
    private static byte[] EnvelopeBytes(JsonMessageEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, SystemTextJsonMessageSerializer.Options);
}
