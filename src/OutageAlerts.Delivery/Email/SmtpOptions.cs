namespace OutageAlerts.Delivery.Email;

/// <summary>Bound from <c>OutageAlerts:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "OutageAlerts:Smtp";
    public const int DefaultPort = 587;
    public const int ImplicitTlsPort = 465;
    public const string DefaultFrom = "OutageAlerts <alerts@outage-alerts.invalid>";
    public const int DefaultMaxConnections = 4;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    public string? Host { get; set; }

    public int Port { get; set; } = DefaultPort;

    /// <summary>The sender mailbox, e.g. <c>OutageAlerts &lt;alerts@example.org&gt;</c>.</summary>
    public string From { get; set; } = DefaultFrom;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// true: TLS required (on connect for port 465, STARTTLS otherwise); false: in the clear (local relays, tests);
    /// unset: STARTTLS whenever the server offers it, as mail servers do among themselves, so a relay without TLS
    /// still gets the alert.
    /// </summary>
    public bool? UseTls { get; set; }

    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// An https page that unsubscribes, with <c>{subscriptionId}</c> in it (e.g.
    /// <c>https://alerts.example.org/unsubscribe?s={subscriptionId}</c>); the List-Unsubscribe header always
    /// offers a mail to <see cref="From"/> as well.
    /// </summary>
    public string? UnsubscribeUrl { get; set; }

    /// <summary>Open SMTP connections kept for reuse; each carries one message at a time.</summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>An idle connection older than this is closed rather than reused, before the server drops it.</summary>
    public TimeSpan IdleTimeout { get; set; } = DefaultIdleTimeout;
}
