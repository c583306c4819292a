namespace OutageAlerts.Delivery.Webhooks;

/// <summary>Bound from <c>OutageAlerts:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "OutageAlerts:Webhooks";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Off by default so that a subscription cannot make the service call into its own network (SSRF); tests
    /// and on-premises installs whose receivers live on private addresses turn it on.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    public TimeSpan Timeout { get; set; } = DefaultTimeout;
}
