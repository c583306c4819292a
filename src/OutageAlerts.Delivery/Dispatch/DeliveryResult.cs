namespace OutageAlerts.Delivery.Dispatch;

public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Worth trying again later: timeouts, 5xx, 408/429, SMTP 4xx, connection failures.</summary>
    Transient,

    /// <summary>Trying again gives the same answer: 4xx, SMTP 5xx, invalid numbers, refused targets.</summary>
    Permanent,
}

/// <summary>What a channel sender reports; senders map their transport's errors instead of throwing.</summary>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? Error = null)
{
    public static DeliveryResult Delivered { get; } = new(DeliveryOutcome.Delivered);

    /// <summary>How long the receiver asked us to wait (HTTP <c>Retry-After</c> on 429 or 503), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The receiver said the endpoint is gone for good (HTTP 410): nothing more is sent to it.</summary>
    public bool EndpointGone { get; init; }

    public static DeliveryResult Transient(string error, TimeSpan? retryAfter = null) =>
        new(DeliveryOutcome.Transient, error) { RetryAfter = retryAfter };

    public static DeliveryResult Permanent(string error) => new(DeliveryOutcome.Permanent, error);

    public static DeliveryResult Gone(string error) => new(DeliveryOutcome.Permanent, error) { EndpointGone = true };
}

/// <summary>Thrown to hand a transient failure to the consumer's retry policy.</summary>
public sealed class TransientDeliveryException : Exception
{
    public TransientDeliveryException()
    {
    }

    public TransientDeliveryException(string message)
        : base(message)
    {
    }

    public TransientDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
