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

    /// <summary>Reads and checks the settings, naming the bad key in the error.</summary>
    public static MessagingOptions From(IConfiguration configuration)
    {
        var options = new MessagingOptions();
        configuration.GetSection(RabbitMqSection).Bind(options);
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
}
