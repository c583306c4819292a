using OutageAlerts.Delivery;

namespace OutageAlerts.Host.Messaging;

/// <summary>
/// MassTransit moves a message that failed every retry to its endpoint's <c>&lt;queue&gt;_error</c> queue on RabbitMQ;
/// these are the error queues of the delivery role's endpoints.
/// </summary>
public static class ErrorQueues
{
    public const string Suffix = "_error";

    public static IReadOnlyList<string> All { get; } =
    [
        DeliveryQueues.AlertRouting + Suffix,
        DeliveryQueues.Webhook + Suffix,
        DeliveryQueues.Email + Suffix,
        DeliveryQueues.Sms + Suffix,
    ];
}
