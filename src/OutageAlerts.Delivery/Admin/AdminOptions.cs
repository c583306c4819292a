namespace OutageAlerts.Delivery.Admin;

/// <summary>Bound from <c>OutageAlerts:Admin</c>: who may use the delivery admin API, and for what.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "OutageAlerts:Admin";

    /// <summary>Reading the delivery log, retries and disabled endpoints.</summary>
    public const string ReadScope = "deliveries:read";

    /// <summary>Replaying deliveries and turning disabled endpoints back on.</summary>
    public const string WriteScope = "deliveries:write";

    /// <summary>Shorter keys are refused at start: they could be guessed.</summary>
    public const int MinKeyLength = 24;

    public List<AdminApiKey> ApiKeys { get; set; } = [];
}

/// <summary>One entry of <c>OutageAlerts:Admin:ApiKeys:N</c>: the key and its scopes.</summary>
public sealed class AdminApiKey
{
    public string Key { get; set; } = "";

    public List<string> Scopes { get; set; } = [];
}
