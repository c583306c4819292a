using System.Net;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Admin;
using OutageAlerts.Delivery.Dispatch;
using OutageAlerts.Delivery.Email;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Outbox;
using OutageAlerts.Delivery.Pull;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Sms;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Webhooks;
using OutageAlerts.Storage;
using OutageAlerts.Storage.Retention;
using Polly;

namespace OutageAlerts.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    private const string WebhookPipeline = "webhook";
    private const string SmsPipeline = "sms";
    private const int ConnectRetries = 2;
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan SmsTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Registers the routing consumer (queue <c>alert-routing</c>) and the channel consumers (<c>deliver-webhook</c>,
    /// <c>deliver-email</c>, <c>deliver-sms</c>) with their retry and concurrency settings. The host still calls
    /// AddMassTransit, picks the transport and calls ConfigureEndpoints.
    /// </summary>
    public static IBusRegistrationConfigurator AddDeliveryConsumers(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<AlertRoutingConsumer, AlertRoutingConsumerDefinition>();
        bus.AddConsumer<WebhookDeliveryConsumer, WebhookDeliveryConsumerDefinition>();
        bus.AddConsumer<WebhookDeliveriesConsumer, WebhookDeliveriesConsumerDefinition>();
        bus.AddConsumer<WebhookDeliveryBatchConsumer, WebhookDeliveryBatchConsumerDefinition>();
        bus.AddConsumer<EmailDeliveryConsumer, EmailDeliveryConsumerDefinition>();
        bus.AddConsumer<SmsDeliveryConsumer, SmsDeliveryConsumerDefinition>();
        return bus;
    }

    /// <summary>
    /// Subscriptions and channel options (validated at start), the channel senders, their HTTP clients, the
    /// outbox and the delivery log with its store migration. Adds the store too unless the host already did.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(IStore)))
        {
            services.AddStore(configuration);
        }

        services.AddStoreMigration(DeliveryLog.MigrationId, DeliveryLog.MigrationSql);
        services.AddStoreMigration(AlertArchive.MigrationId, AlertArchive.MigrationSql);
        services.AddStoreMigration(DeliveryRetries.MigrationId, DeliveryRetries.MigrationSql);
        services.AddStoreMigration(DisabledEndpoints.MigrationId, DisabledEndpoints.MigrationSql);
        services.AddStoreMigration(SmsStatuses.MigrationId, SmsStatuses.MigrationSql);
        services.AddStoreMigration(StoredSubscriptions.MigrationId, StoredSubscriptions.MigrationSql);
        services.AddStoreMigration(Silences.Silences.MigrationId, Silences.Silences.MigrationSql);
        services.AddOptions<AdminOptions>()
            .Bind(configuration.GetSection(AdminOptions.SectionName))
            .Validate(o => o.ApiKeys.All(k => k.Key.Length >= AdminOptions.MinKeyLength),
                $"{AdminOptions.SectionName}:ApiKeys:N:Key must be at least {AdminOptions.MinKeyLength} characters.")
            .Validate(o => o.ApiKeys.All(k => k.Scopes.All(s => AdminOptions.Scopes.Contains(s, StringComparer.Ordinal))),
                $"{AdminOptions.SectionName}:ApiKeys:N:Scopes may hold only {string.Join(", ", AdminOptions.Scopes)}.")
            .Validate(o => o.ApiKeys.All(k => k.Name is null || (k.Name.Trim().Length is > 0 and <= AdminOptions.MaxNameLength && k.Name != k.Key)),
                $"{AdminOptions.SectionName}:ApiKeys:N:Name must be 1 to {AdminOptions.MaxNameLength} characters and not the key itself (it is shown as the author of silences).")
            .Validate(o => o.CacheDuration >= TimeSpan.Zero && o.CacheDuration <= AdminOptions.MaxCacheDuration,
                $"{AdminOptions.SectionName}:CacheDuration must be between 00:00:00 and 00:05:00.")
            .ValidateOnStart();
        services.TryAddSingleton<StoredSubscriptions>();
        services.TryAddSingleton<Silences.Silences>();

        services.AddOptions<DeliveryOptions>()
            .Bind(configuration.GetSection(DeliveryOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMinInterval <= o.RetryMaxInterval,
                $"{DeliveryOptions.SectionName}:RetryMinInterval must not be longer than RetryMaxInterval.")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.SectionName));
        services.AddOptions<SmsOptions>()
            .Bind(configuration.GetSection(SmsOptions.SectionName))
            .Validate(o => o.MaxPerSecond is >= 0 and <= 1000, $"{SmsOptions.SectionName}:MaxPerSecond must be between 0 and 1000.")
            .ValidateOnStart();
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.SectionName))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromMinutes(5),
                $"{WebhookOptions.SectionName}:Timeout must be between 00:00:01 and 00:05:00.")
            .Validate(o => o.RetrySchedule is null || o.RetrySchedule.All(w => w >= TimeSpan.Zero && w <= WebhookOptions.MaxRetryAfter),
                $"{WebhookOptions.SectionName}:RetrySchedule entries must be between 00:00:00 and 1.00:00:00.")
            .Validate(o => o.RetryPollInterval >= TimeSpan.FromMilliseconds(10) && o.RetryPollInterval <= TimeSpan.FromMinutes(10),
                $"{WebhookOptions.SectionName}:RetryPollInterval must be between 00:00:00.010 and 00:10:00.")
            .ValidateOnStart();

        var subscriptions = configuration.GetSection(SubscriptionsOptions.SectionName);
        services.AddOptions<SubscriptionsOptions>()
            .Configure(o => SubscriptionBinder.Bind(subscriptions, o))
            .ValidateOnStart();
        services.AddSingleton<IOptionsChangeTokenSource<SubscriptionsOptions>>(
            new ConfigurationChangeTokenSource<SubscriptionsOptions>(subscriptions));
        services.AddSingleton<IValidateOptions<SubscriptionsOptions>, SubscriptionsValidator>();

        services.TryAddSingleton<ISubscriptionDirectory, SubscriptionDirectory>();
        services.AddRoutingPolicies();
        services.AddPullOutputs(configuration);
        services.AddRetentionOf<DeliveryRetention>(configuration);
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<OutboxWriter>();
        services.TryAddSingleton<SmtpConnectionPool>();
        services.TryAddSingleton<SmsRateLimiter>();
        services.TryAddSingleton<AlertArchive>();
        services.TryAddSingleton<DeliveryRetries>();
        services.TryAddSingleton<DisabledEndpoints>();
        services.TryAddSingleton<SmsStatuses>();
        services.TryAddSingleton<DeliveryDispatcher>();
        services.TryAddSingleton<WebhookConcurrency>();
        services.TryAddSingleton<DeliveryRetryPump>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryRetryPump>());
        services.AddSingleton<IChannelSender, WebhookSender>();
        services.AddSingleton<IChannelSender, EmailSender>();
        services.AddSingleton<IChannelSender, SmsSender>();

        AddWebhookClient(services);
        AddSmsClient(services);
        return services;
    }

    private static void AddWebhookClient(IServiceCollection services)
    {
        services.AddHttpClient(WebhookSender.HttpClientName)
            // The dispatcher logs each delivery's outcome; the factory's logging handlers cost a log scope and a timing per
            // POST and wrote nothing at the configured level (issue 10).
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<WebhookOptions>>();
                return new SocketsHttpHandler
                {
                    // Redirects are answers to log, not to follow: they could lead past the address check.
                    AllowAutoRedirect = false,
                    // A proxy would be the address connected to, which would make the address check meaningless.
                    UseProxy = false,
                    UseCookies = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    PooledConnectionLifetime = PooledConnectionLifetime,
                    ConnectCallback = WebhookTargetGuard.ConnectCallback(() => options.CurrentValue.AllowPrivateTargets),
                };
            })
            .AddResilienceHandler(WebhookPipeline, (pipeline, context) =>
            {
                var timeout = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
                pipeline.AddRetry(ConnectionRetry());
                pipeline.AddTimeout(timeout);
            });
    }

    private static void AddSmsClient(IServiceCollection services)
    {
        services.AddHttpClient(SmsSender.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = PooledConnectionLifetime,
            })
            .AddResilienceHandler(SmsPipeline, pipeline =>
            {
                pipeline.AddRetry(ConnectionRetry());
                pipeline.AddTimeout(SmsTimeout);
            });
    }

    /// <summary>
    /// Retries only failures to connect, where nothing reached the receiver: answers and timeouts are left to the
    /// consumer's retry policy, so a slow receiver never gets the same request twice within one attempt.
    /// </summary>
    private static HttpRetryStrategyOptions ConnectionRetry() => new()
    {
        MaxRetryAttempts = ConnectRetries,
        Delay = ConnectRetryDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = args => ValueTask.FromResult(
            args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } ex
            && WebhookSender.FindRefusal(ex) is null),
    };
}
