namespace OutageAlerts.Delivery;

/// <summary>
/// Queue names of the delivery side. The ingestion side binds <see cref="AlertRouting"/> itself so that alerts
/// published before any delivery process has started wait in the queue instead of being dropped.
/// </summary>
public static class DeliveryQueues
{
    public const string AlertRouting = "alert-routing";
    public const string Webhook = "deliver-webhook";
    public const string Email = "deliver-email";
    public const string Sms = "deliver-sms";

    public static Uri WebhookAddress { get; } = new($"queue:{Webhook}");
    public static Uri EmailAddress { get; } = new($"queue:{Email}");
    public static Uri SmsAddress { get; } = new($"queue:{Sms}");
}
