namespace OutageAlerts.Delivery.Subscriptions;

public enum DeliveryChannel
{
    Webhook,
    Email,
    Sms,
}

/// <summary>What a webhook subscription receives: the JSON body of contract 4 or CAP 1.2 XML.</summary>
public enum SubscriptionFormat
{
    Json,
    Cap,
}

/// <summary>Whether alerts go out one by one or, below a severity, in a periodic digest email.</summary>
public enum SubscriptionMode
{
    Immediate,
    Digest,
}

public enum DigestPeriod
{
    Hourly,
    Daily,
}
