namespace OutageAlerts.Delivery.Routing;

/// <summary>What routing does with one alert version for one subscription, beyond whether the filters match.</summary>
public enum RoutingAction
{
    /// <summary>To the channel queue now.</summary>
    Send,

    /// <summary>Kept in the store and sent when the subscription's quiet hours end.</summary>
    Defer,

    /// <summary>Collected into the subscription's next digest email.</summary>
    Digest,

    /// <summary>Not sent; the delivery log keeps the reason.</summary>
    Suppress,
}

/// <param name="Action">What to do.</param>
/// <param name="At">When a deferred delivery or a digest is due.</param>
/// <param name="Reason">Why, in words for the delivery log and the operator (null for a plain send).</param>
public sealed record RoutingDecision(RoutingAction Action, DateTimeOffset? At = null, string? Reason = null)
{
    public static RoutingDecision Send { get; } = new(RoutingAction.Send);
}
