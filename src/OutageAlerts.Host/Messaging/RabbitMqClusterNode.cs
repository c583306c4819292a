using System.Globalization;

namespace OutageAlerts.Host.Messaging;

/// <summary>One node of a RabbitMQ cluster: <c>host</c> or <c>host:port</c> (the port defaults to the connection string's).</summary>
public sealed record RabbitMqClusterNode(string Host, int? Port)
{
    private const string Key = MessagingOptions.RabbitMqSection + ":Hosts";

    /// <summary>The node as MassTransit's cluster configuration and RabbitMQ.Client's endpoint list take it.</summary>
    public string ToAddress(int defaultPort) => $"{Host}:{(Port ?? defaultPort).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads <c>OutageAlerts:RabbitMq:Hosts</c>: a list (<c>Hosts:0</c>, <c>Hosts:1</c>…), one comma-separated value, or
    /// both; a bad entry fails naming its key.
    /// </summary>
    public static IReadOnlyList<RabbitMqClusterNode> ParseAll(IConfigurationSection hosts)
    {
        var entries = new List<(string Key, string Value)>();
        if (!string.IsNullOrWhiteSpace(hosts.Value))
        {
            entries.AddRange(hosts.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (Key, v)));
        }

        entries.AddRange(hosts.GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => ($"{Key}:{c.Key}", c.Value!.Trim())));
        return [.. entries.Select(e => Parse(e.Key, e.Value)).Distinct()];
    }

    private static RabbitMqClusterNode Parse(string key, string value)
    {
        // host, host:port, [v6]:port; a URI is refused, since credentials and virtual host come from the connection string.
        if (value.Contains("://", StringComparison.Ordinal) || value.Contains('@', StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal))
        {
            throw MessagingOptions.Invalid(key, $"{key} '{value}' must be host or host:port; credentials and virtual host come from ConnectionStrings:{MessagingOptions.ConnectionStringName}.");
        }

        var host = value;
        int? port = null;
        var colon = value.LastIndexOf(':');
        if (colon > 0 && (value[0] != '[' || value[colon - 1] == ']'))
        {
            host = value[..colon];
            port = int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535
                ? p
                : throw MessagingOptions.Invalid(key, $"{key} '{value}' has a port that is not a number between 1 and 65535.");
        }

        host = host.Trim('[', ']');
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw MessagingOptions.Invalid(key, $"{key} '{value}' is not a host name or address.");
        }

        return new RabbitMqClusterNode(host, port);
    }
}
