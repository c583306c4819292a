using MassTransit;
using OutageAlerts.Delivery;

namespace OutageAlerts.Host.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The bus: in-memory by default, RabbitMQ (durable queues, publisher confirms) when configured. The delivery
    /// role hosts the consumers; every role declares the routing queue so that alerts published while no
    /// delivery process runs wait in it instead of being dropped by an exchange with no bindings.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, ServiceRoles roles)
    {
        var options = MessagingOptions.From(configuration);
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            if (roles.HasFlag(ServiceRoles.Delivery))
            {
                bus.AddDeliveryConsumers();
            }

            if (options.Transport == TransportKind.RabbitMq)
            {
                var address = RabbitMqAddress.Parse(options.ConnectionString);
                services.AddSingleton(new RoutingQueueKeeper(address));
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
                    });
                    cfg.PrefetchCount = options.PrefetchCount;
                    cfg.UsePublishFilter(typeof(RoutingQueueKeeperFilter<>), context);
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        services.Configure<MassTransitHostOptions>(o =>
        {
            // Broker down at start-up must not stop the process: the bus keeps reconnecting and readiness says so.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

}
