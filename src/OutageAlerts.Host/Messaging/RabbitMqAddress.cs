using Microsoft.Extensions.Options;

namespace OutageAlerts.Host.Messaging;

/// <summary>The parts of an <c>amqp://user:password@host:port/vhost</c> URI (AMQP URI spec: vhost is URL-encoded, empty means "/").</summary>
public sealed record RabbitMqAddress(string Host, int Port, string VirtualHost, string UserName, string Password, bool UseTls)
{
    private const string Key = "ConnectionStrings:" + MessagingOptions.ConnectionStringName;

    public static RabbitMqAddress Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Invalid($"{Key} is required when {MessagingOptions.TransportKey} is RabbitMq.");
        }

        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            // The value may hold a password: name the key, never echo it.
            throw Invalid($"{Key} must be an amqp://user:password@host:port/vhost URI.");
        }

        var tls = uri.Scheme == "amqps";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 5671 : 5672) : uri.Port;
        var path = uri.AbsolutePath.TrimStart('/');
        var vhost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        var user = "guest";
        var password = "guest";
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        return new RabbitMqAddress(uri.Host, port, vhost, user, password, tls);
    }

    /// <summary>
    /// Every node to try, the connection string's host first: RabbitMQ.Client connects to the first that answers. With
    /// no cluster nodes configured, just the connection string's host.
    /// </summary>
    public IReadOnlyList<RabbitMQ.Client.AmqpTcpEndpoint> Endpoints(IReadOnlyList<RabbitMqClusterNode> cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return [.. new[] { new RabbitMqClusterNode(Host, Port) }.Concat(cluster)
            .Select(n => n with { Port = n.Port ?? Port })
            .DistinctBy(n => (n.Host.ToUpperInvariant(), n.Port))
            .Select(n => new RabbitMQ.Client.AmqpTcpEndpoint(n.Host, n.Port!.Value, UseTls
                ? new RabbitMQ.Client.SslOption { Enabled = true, ServerName = n.Host }
                : new RabbitMQ.Client.SslOption()))];
    }

    /// <summary>Connects to the first node of <see cref="Endpoints"/> that answers.</summary>
    public Task<RabbitMQ.Client.IConnection> ConnectAsync(string clientName, IReadOnlyList<RabbitMqClusterNode> cluster, CancellationToken cancellationToken = default) =>
        CreateConnectionFactory(clientName).CreateConnectionAsync([.. Endpoints(cluster)], cancellationToken);

    /// <summary>A RabbitMQ.Client factory for the few places that talk to the broker without MassTransit.</summary>
    public RabbitMQ.Client.ConnectionFactory CreateConnectionFactory(string clientName)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = Host,
            Port = Port,
            VirtualHost = VirtualHost,
            UserName = UserName,
            Password = Password,
            ClientProvidedName = clientName,
        };
        if (UseTls)
        {
            factory.Ssl = new RabbitMQ.Client.SslOption { Enabled = true, ServerName = Host };
        }

        return factory;
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Key, typeof(MessagingOptions), [message]);
}
