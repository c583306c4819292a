using System.Diagnostics.CodeAnalysis;
using System.Net.Mime;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MassTransit;
using MassTransit.Serialization;

namespace OutageAlerts.Host.Messaging;

/// <summary>
/// Reads MassTransit's JSON envelope (<c>application/vnd.masstransit+json</c>) in one pass, keeping the message as the
/// range of the body it occupies, and reads the message from those bytes when a consumer asks for it.
/// </summary>
/// <remarks>
/// MassTransit's own deserializer parses the body into a <see cref="JsonDocument"/>, reads the envelope from it (the
/// message into a second document, each header value into one of its own) and then the message from that element:
/// 9.7 % of the service's processor time in the load harness, for two hops per alert (issue 10,
/// docs/performance.md). The envelope's fields are read with MassTransit's own options and types, so headers, host
/// and addresses come out as with its deserializer; forwarding, redelivery and faults still get the message as a
/// <see cref="JsonElement"/>, made from the same bytes when they ask. It replaces MassTransit's deserializer for this
/// one content type only; what it writes is unchanged.
/// </remarks>
internal sealed class EnvelopeDeserializer : IMessageDeserializer
{
    // MassTransit's serializer stays the object deserializer (header values, message data) and the writer.
    private readonly SystemTextJsonMessageSerializer _serializer = new();

    public ContentType ContentType => SystemTextJsonMessageSerializer.JsonContentType;

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("json");
        scope.Add("contentType", ContentType.MediaType);
        scope.Add("provider", "System.Text.Json, envelope read once");
    }

    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        ArgumentNullException.ThrowIfNull(receiveContext);
        return new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));
    }

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            // Read at use, as MassTransit does: its configuration may replace the options before the bus starts.
            var options = SystemTextJsonMessageSerializer.Options;
            var bytes = body.GetBytes();
            var envelope = JsonSerializer.Deserialize<ReadEnvelope>(bytes, options)
                ?? throw new SerializationException("Message envelope not found");
            if (envelope.MessageRange is not { } range)
            {
                throw new SerializationException("The message envelope has no message");
            }

            envelope.Attach(bytes, range, options);
            var messageContext = new EnvelopeMessageContext(envelope, _serializer);
            return new ReadEnvelopeSerializerContext(_serializer, options, ContentType, messageContext, envelope);
        }
        catch (SerializationException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new SerializationException("An error occured while deserializing the message envelope", ex);
        }
    }

    public MessageBody GetMessageBody(string text) => _serializer.GetMessageBody(text);
}

/// <summary>Puts <see cref="EnvelopeDeserializer"/> in place of MassTransit's for its JSON content type.</summary>
internal sealed class EnvelopeDeserializerFactory : ISerializerFactory
{
    public ContentType ContentType => SystemTextJsonMessageSerializer.JsonContentType;

    public IMessageSerializer CreateSerializer() => new SystemTextJsonMessageSerializer();

    public IMessageDeserializer CreateDeserializer() => new EnvelopeDeserializer();
}

/// <summary>Where the message lies in the body: from <see cref="Start"/> up to, not including, <see cref="End"/>.</summary>
internal sealed record MessageRange(int Start, int End);

/// <summary>
/// MassTransit's envelope as <see cref="JsonMessageEnvelope"/> declares it, except the message: its range instead of a
/// parsed copy.
/// </summary>
internal sealed class ReadEnvelope : MessageEnvelope
{
    private Dictionary<string, object?>? _headers;
    private byte[] _body = [];
    private JsonSerializerOptions? _options;
    private JsonElement? _message;

    public string? MessageId { get; set; }

    public string? RequestId { get; set; }

    public string? CorrelationId { get; set; }

    public string? ConversationId { get; set; }

    public string? InitiatorId { get; set; }

    public string? SourceAddress { get; set; }

    public string? DestinationAddress { get; set; }

    public string? ResponseAddress { get; set; }

    public string? FaultAddress { get; set; }

    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "MassTransit's envelope contract.")]
    public string[]? MessageType { get; set; }

    [JsonPropertyName("message")]
    [JsonConverter(typeof(MessageRangeConverter))]
    public MessageRange? MessageRange { get; set; }

    public DateTime? ExpirationTime { get; set; }

    public DateTime? SentTime { get; set; }

    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Set by the JSON reader, as in MassTransit's envelope.")]
    public Dictionary<string, object?> Headers
    {
        get => _headers ??= new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        set => _headers = value;
    }

    public HostInfo? Host { get; set; }

    Dictionary<string, object?>? MessageEnvelope.Headers => Headers;

    /// <summary>The message as MassTransit's own envelope carries it, parsed from its bytes the first time it is asked for.</summary>
    object? MessageEnvelope.Message => MessageElement;

    public JsonElement MessageElement => _message ??= JsonSerializer.Deserialize<JsonElement>(Span, _options);

    private ReadOnlySpan<byte> Span => MessageRange is { } range ? _body.AsSpan(range.Start, range.End - range.Start) : [];

    public void Attach(byte[] body, MessageRange range, JsonSerializerOptions options)
    {
        if (range.Start < 0 || range.End > body.Length || range.End <= range.Start)
        {
            throw new SerializationException($"The message's range {range.Start}..{range.End} lies outside a body of {body.Length} bytes");
        }

        _body = body;
        _options = options;
    }

    public T? Read<T>(JsonSerializerOptions options) => JsonSerializer.Deserialize<T>(Span, options);

    public object? Read(Type type, JsonSerializerOptions options) => JsonSerializer.Deserialize(Span, type, options);
}

/// <summary>Notes where the message's JSON starts and ends, and moves past it without building anything.</summary>
internal sealed class MessageRangeConverter : JsonConverter<MessageRange>
{
    public override MessageRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // The reader runs over the whole body (JsonSerializer.Deserialize over one span), so its indexes are the body's.
        var start = checked((int)reader.TokenStartIndex);
        reader.Skip();
        return new MessageRange(start, checked((int)reader.BytesConsumed));
    }

    public override void Write(Utf8JsonWriter writer, MessageRange value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The envelope is only read; MassTransit's serializer writes it.");
}

/// <summary>MassTransit's context for its JSON envelope, with the message read from the envelope's bytes.</summary>
internal sealed class ReadEnvelopeSerializerContext(
    IObjectDeserializer objectDeserializer,
    JsonSerializerOptions options,
    ContentType contentType,
    MessageContext messageContext,
    ReadEnvelope envelope)
    : SystemTextJsonSerializerContext(objectDeserializer, options, contentType, messageContext, envelope.MessageType ?? [], envelope, envelope.MessageRange)
{
    public override bool TryGetMessage<T>(out T? message)
        where T : class
    {
        if (typeof(T) == typeof(JsonObject))
        {
            message = JsonObject.Create(envelope.MessageElement) as T;
            return message is not null;
        }

        if (IsSupportedMessageType<T>())
        {
            message = envelope.Read<T>(Options);
            return message is not null;
        }

        message = null;
        return false;
    }

    public override bool TryGetMessage(Type messageType, [NotNullWhen(true)] out object? message)
    {
        message = envelope.Read(messageType, Options);
        return message is not null;
    }
}
