namespace OutageAlerts.Delivery.Sms;

public enum SmsProvider
{
    /// <summary>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json.</summary>
    Twilio,

    /// <summary>POST to {BaseUrl} itself with the same form fields and basic auth: any compatible gateway.</summary>
    Http,
}

/// <summary>Bound from <c>OutageAlerts:Sms</c>.</summary>
public sealed class SmsOptions
{
    public const string SectionName = "OutageAlerts:Sms";
    public const string DefaultBaseUrl = "https://api.twilio.com";

    public SmsProvider Provider { get; set; } = SmsProvider.Twilio;

    public string BaseUrl { get; set; } = DefaultBaseUrl;

    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sending number (E.164) or alphanumeric sender id.</summary>
    public string? From { get; set; }

    public Uri MessagesEndpoint()
    {
        var baseUrl = BaseUrl.TrimEnd('/');
        return Provider == SmsProvider.Twilio
            ? new Uri($"{baseUrl}/2010-04-01/Accounts/{Uri.EscapeDataString(AccountSid ?? "")}/Messages.json")
            : new Uri(baseUrl);
    }
}
