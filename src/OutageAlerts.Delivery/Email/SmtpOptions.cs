namespace OutageAlerts.Delivery.Email;

/// <summary>Bound from <c>OutageAlerts:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "OutageAlerts:Smtp";
    public const int DefaultPort = 587;
    public const int ImplicitTlsPort = 465;
    public const string DefaultFrom = "OutageAlerts <alerts@outage-alerts.invalid>";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public string? Host { get; set; }

    public int Port { get; set; } = DefaultPort;

    /// <summary>The sender mailbox, e.g. <c>OutageAlerts &lt;alerts@example.org&gt;</c>.</summary>
    public string From { get; set; } = DefaultFrom;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>TLS on connect for port 465, STARTTLS otherwise; false sends in the clear (local relays, tests).</summary>
    public bool UseTls { get; set; } = true;

    public TimeSpan Timeout { get; set; } = DefaultTimeout;
}
