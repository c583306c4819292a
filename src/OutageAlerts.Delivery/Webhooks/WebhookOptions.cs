namespace OutageAlerts.Delivery.Webhooks;

/// <summary>Bound from <c>OutageAlerts:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "OutageAlerts:Webhooks";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultRetryPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait a receiver's <c>Retry-After</c> can impose; anything longer is cut to this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>
    /// The waits after the first, second… failed attempt, as Standard Webhooks suggests: about three days of
    /// retries in all before a delivery is given up.
    /// </summary>
    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>
    /// Off by default so that a subscription cannot make the service call into its own network (SSRF); tests
    /// and on-premises installs whose receivers live on private addresses turn it on.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// Overrides <see cref="DefaultRetrySchedule"/> (<c>RetrySchedule:0=00:00:05</c>…). Null rather than a
    /// pre-filled list because the configuration binder appends to lists instead of replacing them.
    /// </summary>
    public List<TimeSpan>? RetrySchedule { get; set; }

    /// <summary>How often the store is polled for webhook retries that fell due.</summary>
    public TimeSpan RetryPollInterval { get; set; } = DefaultRetryPollInterval;

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule =>
        RetrySchedule is { Count: > 0 } schedule ? schedule : DefaultRetrySchedule;
}
