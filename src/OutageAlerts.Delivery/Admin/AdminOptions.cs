namespace OutageAlerts.Delivery.Admin;

/// <summary>Bound from <c>OutageAlerts:Admin</c>: who may use the delivery admin API, and for what.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "OutageAlerts:Admin";

    /// <summary>Reading the delivery log, retries and disabled endpoints.</summary>
    public const string ReadScope = "deliveries:read";

    /// <summary>Replaying deliveries and turning disabled endpoints back on.</summary>
    public const string WriteScope = "deliveries:write";

    /// <summary>Listing and reading subscriptions (configured and stored); secrets are never shown.</summary>
    public const string SubscriptionsReadScope = "subscriptions:read";

    /// <summary>Creating, changing and deleting subscriptions stored through the API.</summary>
    public const string SubscriptionsWriteScope = "subscriptions:write";

    public const string SilencesReadScope = "silences:read";

    /// <summary>Creating and expiring silences.</summary>
    public const string SilencesWriteScope = "silences:write";

    /// <summary>Shorter keys are refused at start: they could be guessed.</summary>
    public const int MinKeyLength = 24;

    public const int MaxNameLength = 64;

    /// <summary>
    /// How long a process keeps the subscriptions and silences created through the API before reading them
    /// again; writes through this process's API take effect at once, other processes see them within this time.
    /// </summary>
    public static readonly TimeSpan DefaultCacheDuration = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxCacheDuration = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<string> Scopes { get; } =
    [
        ReadScope, WriteScope, SubscriptionsReadScope, SubscriptionsWriteScope, SilencesReadScope, SilencesWriteScope,
    ];

    public List<AdminApiKey> ApiKeys { get; set; } = [];

    /// <summary>See <see cref="DefaultCacheDuration"/>; zero reads the store on every lookup.</summary>
    public TimeSpan CacheDuration { get; set; } = DefaultCacheDuration;
}

/// <summary>One entry of <c>OutageAlerts:Admin:ApiKeys:N</c>: the key and its scopes.</summary>
public sealed class AdminApiKey
{
    public string Key { get; set; } = "";

    /// <summary>
    /// A label that is not secret (e.g. "duty-desk"), recorded as the author of the silences made with this key;
    /// unset gives "key #N" after the key's position in the list.
    /// </summary>
    public string? Name { get; set; }

    public List<string> Scopes { get; set; } = [];
}
