using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery;

namespace OutageAlerts.Host.Messaging;

public static class MessagingServiceCollectionExtensions
{
    private static readonly TimeSpan ConsumerStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BusStopTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The bus's health check in <c>/health/ready</c>.</summary>
    public const string BrokerHealthCheckName = "broker";

    /// <summary>The tag of the checks that make up <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// The bus: in-memory by default, RabbitMQ (durable queues, publisher confirms) when configured. The delivery
    /// role hosts the consumers; every role declares the routing queue so that alerts published while no
    /// delivery process runs wait in it instead of being dropped by an exchange with no bindings.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, ServiceRoles roles)
    {
        var options = MessagingOptions.From(configuration);
        services.TryAddSingleton(options);
        services.AddMassTransit(bus =>
        {
            // MassTransit reports its usage (versions, host, cloud, endpoint counts) to masstransit.io five minutes
            // after start unless told not to. A service watching strikes in a war zone does not talk to third
            // parties its operators did not configure; where egress is blocked it would also log a warning.
            bus.ConfigureUsageTelemetryOptions(usage => usage.Enabled = false);
            bus.SetKebabCaseEndpointNameFormatter();
            // MassTransit's own bus check, under a name operators recognise in /health/ready; BrokerHealthCheck
            // turns its Degraded (endpoints cut off from the broker) into Unhealthy.
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = BrokerHealthCheckName;
                health.MinimalFailureStatus = HealthStatus.Unhealthy;
                health.Tags.Add(ReadyTag);
                health.Tags.Add(BrokerHealthCheckName);
            });
            if (roles.HasFlag(ServiceRoles.Delivery))
            {
                bus.AddDeliveryConsumers();
            }

            if (options.Transport == TransportKind.RabbitMq)
            {
                var address = RabbitMqAddress.Parse(options.ConnectionString);
                services.AddSingleton(new RoutingQueueKeeper(address, options));
                if (options.QuorumQueues)
                {
                    services.AddHostedService(provider => ActivatorUtilities.CreateInstance<QuorumQueueCheck>(provider, address));
                    // Every receive endpoint, whichever definition declared it: one classic queue among quorum ones
                    // would be the single copy that a node failure loses.
                    bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                    {
                        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                        {
                            rabbit.SetQuorumQueue();
                        }
                    });
                }

                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(address.Host, (ushort)address.Port, address.VirtualHost, h =>
                    {
                        h.Username(address.UserName);
                        h.Password(address.Password);
                        h.PublisherConfirmation = true;
                        if (address.UseTls)
                        {
                            h.UseSsl(ssl => ssl.ServerName = address.Host);
                        }

                        if (options.Hosts.Count > 0)
                        {
                            // The connection string's host first, then the others: the bus connects to (and after a
                            // node failure reconnects to) any node of the cluster that answers.
                            h.UseCluster(cluster =>
                            {
                                foreach (var node in address.Endpoints(options.Hosts))
                                {
                                    cluster.Node($"{node.HostName}:{node.Port}");
                                }
                            });
                        }
                    });
                    cfg.PrefetchCount = options.PrefetchCount;
                    cfg.ConfigureJsonSerializerOptions(CompactEnvelopes);
                    cfg.AddDeserializer(new EnvelopeDeserializerFactory(), isDefault: true);
                    cfg.UsePublishFilter(typeof(RoutingQueueKeeperFilter<>), context);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureJsonSerializerOptions(CompactEnvelopes);
                    cfg.AddDeserializer(new EnvelopeDeserializerFactory(), isDefault: true);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HealthCheckServiceOptions>, BrokerHealthCheckRegistration>());
        services.Configure<MassTransitHostOptions>(o =>
        {
            // Broker down at start-up must not stop the process: the bus keeps reconnecting and readiness says so.
            o.WaitUntilStarted = false;
            // SIGTERM drains what is being delivered, but a message waiting out a retry interval (up to minutes) is
            // cancelled instead: it goes back to its queue unacknowledged and the delivery log keeps it from being
            // sent twice. The whole stop fits Kubernetes' default 30 s grace period.
            o.ConsumerStopTimeout = ConsumerStopTimeout;
            o.StopTimeout = BusStopTimeout;
        });
        return services;
    }

    /// <summary>
    /// MassTransit writes its JSON envelopes indented unless told otherwise. An alert's message was then mostly
    /// whitespace, serialised, sent, kept by the broker and parsed again at both hops, and a routing batch's webhook
    /// message carries a whole alert per delivery (issue 10). Text beyond ASCII is written as UTF-8, not as \uXXXX
    /// escapes: six bytes for each Cyrillic or Arabic letter instead of two, in most of the alerts this service
    /// carries. Readers of either layout are the same, so consumers of an earlier version read these, and these read
    /// theirs. Messages go to consumers, never into a page, so HTML-sensitive characters need no escaping either.
    /// </summary>
    internal static System.Text.Json.JsonSerializerOptions CompactEnvelopes(System.Text.Json.JsonSerializerOptions options)
    {
        options.WriteIndented = false;
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
