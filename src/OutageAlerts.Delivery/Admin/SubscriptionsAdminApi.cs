using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Email;
using OutageAlerts.Delivery.Sms;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Admin;

/// <summary>
/// <c>/subscriptions</c> under the admin prefix: configured subscriptions are listed but read-only, stored ones are
/// created, replaced and deleted here with their revision as ETag (If-Match makes a change conditional on it).
/// </summary>
public static partial class SubscriptionsAdminApi
{
    private const string Path = "/subscriptions";

    public static IEndpointRouteBuilder MapSubscriptionsAdminApi(this IEndpointRouteBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapGet(Path, (Delegate)ListAsync);
        admin.MapGet(Path + "/{id}", (Delegate)GetAsync);
        admin.MapPost(Path, (Delegate)CreateAsync);
        admin.MapPut(Path + "/{id}", (Delegate)ReplaceAsync);
        admin.MapDelete(Path + "/{id}", (Delegate)DeleteAsync);
        return admin;
    }

    private static async Task<IResult> ListAsync(HttpContext http)
    {
        if (AdminHttp.Deny(http, AdminOptions.SubscriptionsReadScope) is { } denied)
        {
            return denied;
        }

        var configured = Configured(http);
        var stored = await http.RequestServices.GetRequiredService<StoredSubscriptions>().ListAsync(http.RequestAborted);
        var taken = configured.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        return Results.Ok(configured.Select(SubscriptionResource.FromConfiguration)
            .Concat(stored.Where(s => !taken.Contains(s.Subscription.Id)).Select(SubscriptionResource.FromStore))
            .ToList());
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id)
    {
        if (AdminHttp.Deny(http, AdminOptions.SubscriptionsReadScope) is { } denied)
        {
            return denied;
        }

        if (Configured(http).Find(s => s.Id == id) is { } configured)
        {
            return Results.Ok(SubscriptionResource.FromConfiguration(configured));
        }

        var stored = await http.RequestServices.GetRequiredService<StoredSubscriptions>().FindAsync(id, http.RequestAborted);
        if (stored is null)
        {
            return NotFound(id);
        }

        http.Response.Headers.ETag = AdminHttp.ETag(stored.Revision);
        return Results.Ok(SubscriptionResource.FromStore(stored));
    }

    private static async Task<IResult> CreateAsync(HttpContext http)
    {
        if (AdminHttp.Deny(http, AdminOptions.SubscriptionsWriteScope) is { } denied)
        {
            return denied;
        }

        var (request, error) = await AdminHttp.ReadJsonAsync<SubscriptionRequest>(http);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var subscription = SubscriptionRequestMapper.ToSubscription(request!, errors);
        CheckSecretUse(subscription, errors);
        SubscriptionRequestMapper.Validate(subscription, Rules(http), errors);
        if (errors.Count > 0)
        {
            return AdminHttp.ValidationProblem(errors);
        }

        if (Configured(http).Find(s => s.Id == subscription.Id) is { } configured)
        {
            return FromConfiguration(configured);
        }

        var stored = await http.RequestServices.GetRequiredService<StoredSubscriptions>().CreateAsync(subscription, http.RequestAborted);
        if (stored is null)
        {
            return AdminHttp.Problem(StatusCodes.Status409Conflict, "Subscription exists",
                $"A subscription '{subscription.Id}' was already created through the API; change it with PUT.");
        }

        var (logger, caller) = (Logger(http), AdminHttp.Caller(http));
        LogCreated(logger, stored.Subscription.Id, stored.Subscription.Channel, caller);
        http.Response.Headers.ETag = AdminHttp.ETag(stored.Revision);
        return Results.Created(StoredSubscriptions.PathOf(stored.Subscription.Id), SubscriptionResource.FromStore(stored));
    }

    private static async Task<IResult> ReplaceAsync(HttpContext http, string id)
    {
        if (AdminHttp.Deny(http, AdminOptions.SubscriptionsWriteScope) is { } denied)
        {
            return denied;
        }

        if (Configured(http).Find(s => s.Id == id) is { } configured)
        {
            return FromConfiguration(configured);
        }

        var store = http.RequestServices.GetRequiredService<StoredSubscriptions>();
        var existing = await store.FindAsync(id, http.RequestAborted);
        if (existing is null)
        {
            return NotFound(id);
        }

        if (!AdminHttp.IfMatchAllows(http.Request, existing.Revision))
        {
            return PreconditionFailed(id, existing.Revision);
        }

        var (request, error) = await AdminHttp.ReadJsonAsync<SubscriptionRequest>(http);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (request!.Id is { } bodyId && bodyId.Trim() != id)
        {
            AdminHttp.Add(errors, "id", "must be the id in the path (or left out); an id cannot be changed.");
        }

        request.Id = id;
        var subscription = SubscriptionRequestMapper.ToSubscription(request, errors);
        CheckSecretUse(subscription, errors);
        // A secret is write-only: leaving it out keeps the one stored, which no client could have read back.
        if (subscription.Secret is null && subscription.Channel == DeliveryChannel.Webhook)
        {
            subscription.Secret = existing.Subscription.Secret;
        }

        SubscriptionRequestMapper.Validate(subscription, Rules(http), errors);
        if (errors.Count > 0)
        {
            return AdminHttp.ValidationProblem(errors);
        }

        var updated = await store.UpdateAsync(subscription, existing.Revision, http.RequestAborted);
        if (updated is null)
        {
            var now = await store.FindAsync(id, http.RequestAborted);
            return now is null ? NotFound(id) : PreconditionFailed(id, now.Revision);
        }

        var (logger, caller) = (Logger(http), AdminHttp.Caller(http));
        LogReplaced(logger, id, updated.Revision, caller);
        http.Response.Headers.ETag = AdminHttp.ETag(updated.Revision);
        return Results.Ok(SubscriptionResource.FromStore(updated));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string id)
    {
        if (AdminHttp.Deny(http, AdminOptions.SubscriptionsWriteScope) is { } denied)
        {
            return denied;
        }

        if (Configured(http).Find(s => s.Id == id) is { } configured)
        {
            return FromConfiguration(configured);
        }

        var store = http.RequestServices.GetRequiredService<StoredSubscriptions>();
        var existing = await store.FindAsync(id, http.RequestAborted);
        if (existing is null)
        {
            return NotFound(id);
        }

        if (!AdminHttp.IfMatchAllows(http.Request, existing.Revision))
        {
            return PreconditionFailed(id, existing.Revision);
        }

        if (!await store.DeleteAsync(id, existing.Revision, http.RequestAborted))
        {
            var now = await store.FindAsync(id, http.RequestAborted);
            return now is null ? NotFound(id) : PreconditionFailed(id, now.Revision);
        }

        var (logger, caller) = (Logger(http), AdminHttp.Caller(http));
        LogDeleted(logger, id, caller);
        return Results.NoContent();
    }

    /// <summary>Only webhooks sign; a secret sent with another channel is most likely a mistake about the channel.</summary>
    private static void CheckSecretUse(Subscription subscription, Dictionary<string, List<string>> errors)
    {
        if (subscription.Secret is not null && subscription.Channel is DeliveryChannel.Email or DeliveryChannel.Sms)
        {
            AdminHttp.Add(errors, "secret", "is only used by webhook subscriptions.");
        }
    }

    private static List<Subscription> Configured(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptionsMonitor<SubscriptionsOptions>>().CurrentValue.Items;

    private static SubscriptionRules Rules(HttpContext http)
    {
        var services = http.RequestServices;
        return new SubscriptionRules(
            services.GetRequiredService<IOptionsMonitor<SmtpOptions>>().CurrentValue,
            services.GetRequiredService<IOptionsMonitor<SmsOptions>>().CurrentValue,
            services.GetRequiredService<IOptionsMonitor<DeliveryOptions>>().CurrentValue);
    }

    private static IResult FromConfiguration(Subscription configured) =>
        AdminHttp.Problem(StatusCodes.Status409Conflict, "Subscription comes from configuration",
            $"'{configured.Id}' is defined in configuration ({configured.ConfigurationPath}); it can only be changed there, " +
            "and the API cannot create another subscription with its id.");

    private static IResult NotFound(string id) =>
        AdminHttp.Problem(StatusCodes.Status404NotFound, "No such subscription", $"There is no subscription '{id}'.");

    private static IResult PreconditionFailed(string id, long revision) =>
        AdminHttp.Problem(StatusCodes.Status412PreconditionFailed, "Subscription changed",
            $"'{id}' is at revision {revision} (ETag {AdminHttp.ETag(revision)}), not the one in If-Match; read it again and retry.");

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SubscriptionsAdminApi).FullName!);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} ({Channel}) created through the admin API by {Caller}")]
    private static partial void LogCreated(ILogger logger, string subscriptionId, DeliveryChannel? channel, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} replaced through the admin API by {Caller}, now revision {Revision}")]
    private static partial void LogReplaced(ILogger logger, string subscriptionId, long revision, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} deleted through the admin API by {Caller}")]
    private static partial void LogDeleted(ILogger logger, string subscriptionId, string caller);
}
