namespace OutageAlerts.Delivery.Wording;

/// <summary>Recipients as they may appear in logs: enough to tell them apart, not enough to contact them.</summary>
public static class Redact
{
    /// <summary>The recipient of a delivery-log row, masked as its channel's kind of address.</summary>
    public static string Recipient(Subscriptions.DeliveryChannel channel, string recipient) => channel switch
    {
        Subscriptions.DeliveryChannel.Email => Email(recipient),
        Subscriptions.DeliveryChannel.Sms => Phone(recipient),
        _ => Url(recipient),
    };

    public static string Email(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }

    public static string Phone(string number) =>
        number is null ? "***" :
        number.Length <= 6 ? "***" : $"{number[..4]}{new string('*', number.Length - 6)}{number[^2..]}";

    /// <summary>Only scheme and host: paths and queries of webhook URLs often carry tokens.</summary>
    public static string Url(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "***";
}
