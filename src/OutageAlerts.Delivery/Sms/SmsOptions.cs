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

    /// <summary>One message a second per sender: what a Twilio long code may send.</summary>
    public const double DefaultMaxPerSecond = 1;
    public static readonly TimeSpan DefaultMaxRateWait = TimeSpan.FromSeconds(30);

    public SmsProvider Provider { get; set; } = SmsProvider.Twilio;

    public string BaseUrl { get; set; } = DefaultBaseUrl;

    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sending number (E.164) or alphanumeric sender id.</summary>
    public string? From { get; set; }

    /// <summary>Messages per second from one sender; 0 turns the limit off (short codes and gateways that queue themselves).</summary>
    public double MaxPerSecond { get; set; } = DefaultMaxPerSecond;

    /// <summary>The longest a message waits in this process for its sender's slot before it is retried later instead.</summary>
    public TimeSpan MaxRateWait { get; set; } = DefaultMaxRateWait;

    /// <summary>
    /// The public URL of the status callback endpoint (<c>…/api/sms/status</c>), sent to Twilio as
    /// <c>StatusCallback</c> and used to check <c>X-Twilio-Signature</c>; unset asks for no callbacks.
    /// </summary>
    public string? StatusCallbackUrl { get; set; }

    public Uri MessagesEndpoint()
    {
        var baseUrl = BaseUrl.TrimEnd('/');
        return Provider == SmsProvider.Twilio
            ? new Uri($"{baseUrl}/2010-04-01/Accounts/{Uri.EscapeDataString(AccountSid ?? "")}/Messages.json")
            : new Uri(baseUrl);
    }
}
