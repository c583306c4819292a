using Microsoft.Extensions.Options;

namespace OutageAlerts.Host.Messaging;

public enum TransportKind
{
    InMemory,
    RabbitMq,
}

/// <summary>
/// <c>OutageAlerts:Transport</c> picks the bus; <c>ConnectionStrings:RabbitMq</c> is an
/// <c>amqp://user:password@host:port/vhost</c> URI. Tuning lives under <c>OutageAlerts:RabbitMq</c>.
/// </summary>
public sealed class MessagingOptions
{
    public const string TransportKey = "OutageAlerts:Transport";
    public const string RabbitMqSection = "OutageAlerts:RabbitMq";
    public const string ConnectionStringName = "RabbitMq";
    public const ushort DefaultPrefetchCount = 32;

    public TransportKind Transport { get; set; } = TransportKind.InMemory;

    public string? ConnectionString { get; set; }

    public ushort PrefetchCount { get; set; } = DefaultPrefetchCount;

    /// <summary>
    /// The nodes of a RabbitMQ cluster (<c>host</c> or <c>host:port</c>), from <c>OutageAlerts:RabbitMq:Hosts</c> as a
    /// list (<c>Hosts:0</c>, <c>Hosts:1</c>…) or one comma-separated value. The connection string still gives the
    /// credentials, virtual host and TLS; its host is tried first, then these, so the bus reconnects to any live node.
    /// </summary>
    public IReadOnlyList<RabbitMqClusterNode> Hosts { get; set; } = [];

    /// <summary>
    /// Declare every receive endpoint's queue as a quorum queue (replicated, RabbitMQ 3.8 or later). A queue that
    /// exists as a classic queue cannot be redeclared as quorum: switching an existing broker means new queues
    /// (drain and delete the old ones, or use a new virtual host); see docs/scale-out.md.
    /// </summary>
    public bool QuorumQueues { get; set; }

    /// <summary>Reads and checks the settings, naming the bad key in the error.</summary>
    public static MessagingOptions From(IConfiguration configuration)
    {
        var options = new MessagingOptions();
        var section = configuration.GetSection(RabbitMqSection);
        if (section[nameof(PrefetchCount)] is { } prefetch)
        {
            options.PrefetchCount = ushort.TryParse(prefetch, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0
                ? count
                : throw Invalid($"{RabbitMqSection}:{nameof(PrefetchCount)}", $"{RabbitMqSection}:{nameof(PrefetchCount)} '{prefetch}' must be a whole number between 1 and {ushort.MaxValue}.");
        }

        if (section[nameof(QuorumQueues)] is { } quorum)
        {
            options.QuorumQueues = bool.TryParse(quorum, out var on)
                ? on
                : throw Invalid($"{RabbitMqSection}:{nameof(QuorumQueues)}", $"{RabbitMqSection}:{nameof(QuorumQueues)} '{quorum}' must be true or false.");
        }

        options.Hosts = RabbitMqClusterNode.ParseAll(section.GetSection(nameof(Hosts)));
        var transport = configuration[TransportKey];
        if (!string.IsNullOrWhiteSpace(transport))
        {
            if (!Enum.TryParse<TransportKind>(transport, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                throw new OptionsValidationException(
                    TransportKey, typeof(MessagingOptions), [$"{TransportKey} '{transport}' must be InMemory or RabbitMq."]);
            }

            options.Transport = kind;
        }

        options.ConnectionString = configuration.GetConnectionString(ConnectionStringName);
        if (options.Transport == TransportKind.RabbitMq)
        {
            _ = RabbitMqAddress.Parse(options.ConnectionString);
        }

        return options;
    }

    internal static OptionsValidationException Invalid(string key, string message) => new(key, typeof(MessagingOptions), [message]);
}
