using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Sms;

namespace OutageAlerts.Delivery.Admin;

/// <summary>A request to send one delivery again.</summary>
public sealed record ReplayRequest(string? AlertId, int? Version, string? SubscriptionId);

/// <summary>
/// The delivery admin HTTP API under <c>/api/admin</c> (API keys with scopes, RFC 9457 problem details): deliveries,
/// retries and disabled endpoints here, subscriptions (<see cref="SubscriptionsAdminApi"/>) and silences
/// (<see cref="SilencesAdminApi"/>) beside it; and the
/// Twilio status callback at <c>/api/sms/status</c> (checked by its <c>X-Twilio-Signature</c>).
/// </summary>
public static class DeliveryAdminApi
{
    public const string AdminPrefix = "/api/admin";
    public const string SmsStatusPath = "/api/sms/status";
    public const long MaxRequestBytes = AdminHttp.MaxRequestBytes;
    private const int MaxListLimit = 1000;
    private const int DefaultListLimit = 100;

    public static IEndpointRouteBuilder MapDeliveryAdminApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var admin = endpoints.MapGroup(AdminPrefix);

        admin.MapGet("/deliveries", async (HttpContext http, DeliveryLog log, string? subscription, string? status, int? limit) =>
        {
            if (Deny(http, AdminOptions.ReadScope) is { } denied)
            {
                return denied;
            }

            DeliveryStatus? wanted = null;
            if (status is not null)
            {
                if (!Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                {
                    return Problem(StatusCodes.Status400BadRequest, "Unknown status", "status must be pending, delivered or failed.");
                }

                wanted = parsed;
            }

            if (limit is < 1 or > MaxListLimit)
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad limit", $"limit must be between 1 and {MaxListLimit}.");
            }

            var entries = await log.ListAsync(subscription, wanted, limit ?? DefaultListLimit, http.RequestAborted);
            return Results.Ok(entries);
        });

        admin.MapGet("/retries", async (HttpContext http, DeliveryRetries retries) =>
            Deny(http, AdminOptions.ReadScope) ?? Results.Ok(await retries.ListAsync(http.RequestAborted)));

        admin.MapGet("/endpoints/disabled", async (HttpContext http, DisabledEndpoints disabled) =>
            Deny(http, AdminOptions.ReadScope) ?? Results.Ok(await disabled.ListAsync(http.RequestAborted)));

        admin.MapDelete("/endpoints/disabled/{subscriptionId}", async (HttpContext http, DisabledEndpoints disabled, string subscriptionId) =>
        {
            if (Deny(http, AdminOptions.WriteScope) is { } denied)
            {
                return denied;
            }

            return await disabled.EnableAsync(subscriptionId, http.RequestAborted) > 0
                ? Results.NoContent()
                : Problem(StatusCodes.Status404NotFound, "Not disabled", $"No endpoint of subscription '{subscriptionId}' is disabled.");
        });

        admin.MapPost("/deliveries/replay", (Delegate)ReplayAsync);
        admin.MapSubscriptionsAdminApi();
        admin.MapSilencesAdminApi();
        endpoints.MapPost(SmsStatusPath, (Delegate)SmsStatusAsync);
        return endpoints;
    }

    private static async Task<IResult> ReplayAsync(HttpContext http)
    {
        if (Deny(http, AdminOptions.WriteScope) is { } denied)
        {
            return denied;
        }

        var (request, error) = await AdminHttp.ReadJsonAsync<ReplayRequest>(http);
        if (error is not null)
        {
            return error;
        }

        if (request is not { AlertId.Length: > 0, Version: > 0, SubscriptionId.Length: > 0 })
        {
            return Problem(StatusCodes.Status400BadRequest, "Incomplete request", "alertId, version (1 or more) and subscriptionId are required.");
        }

        var services = http.RequestServices;
        var key = new DeliveryKey(request.AlertId, request.Version.Value, request.SubscriptionId);
        var entry = await services.GetRequiredService<DeliveryLog>().FindAsync(key, http.RequestAborted);
        var archived = await services.GetRequiredService<AlertArchive>().FindAsync(key.AlertId, key.Version, http.RequestAborted);
        if (entry is null || archived is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No such delivery", "The delivery log has no such alert version for that subscription.");
        }

        await services.GetRequiredService<DeliveryLog>().ReopenAsync(key, http.RequestAborted);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await services.GetRequiredService<DeliveryRetries>().ScheduleAsync(key, entry.Channel, now, http.RequestAborted);
        return Results.Accepted(value: new { key.AlertId, key.Version, key.SubscriptionId, channel = entry.Channel, dueAt = now });
    }

    private static async Task<IResult> SmsStatusAsync(HttpContext http)
    {
        var sms = http.RequestServices.GetRequiredService<IOptionsMonitor<SmsOptions>>().CurrentValue;
        if (sms.Provider != SmsProvider.Twilio || string.IsNullOrEmpty(sms.AuthToken))
        {
            return Results.NotFound();
        }

        if (http.Request.ContentLength is > MaxRequestBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", $"Requests are limited to {MaxRequestBytes} bytes.");
        }

        if (!http.Request.HasFormContentType)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Form expected", "Twilio posts application/x-www-form-urlencoded.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var fields = form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.ToString())).ToList();
        // Behind a proxy the URL Twilio signed is the public one, which is what StatusCallbackUrl says.
        var url = sms.StatusCallbackUrl ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        if (!TwilioSignature.IsValid(sms.AuthToken, url, fields, http.Request.Headers[TwilioSignature.HeaderName]))
        {
            return Problem(StatusCodes.Status403Forbidden, "Bad signature", "X-Twilio-Signature does not match this request.");
        }

        var sid = form["MessageSid"].ToString();
        var status = form["MessageStatus"].ToString();
        if (sid.Length == 0 || status.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "Incomplete callback", "MessageSid and MessageStatus are required.");
        }

        await http.RequestServices.GetRequiredService<SmsStatuses>().RecordAsync(
            sid, status, form["To"].ToString() is { Length: > 0 } to ? to : null,
            form["ErrorCode"].ToString() is { Length: > 0 } code ? code : null, http.RequestAborted);
        return Results.NoContent();
    }

    private static IResult? Deny(HttpContext http, string scope) => AdminHttp.Deny(http, scope);

    private static IResult Problem(int status, string title, string detail) => AdminHttp.Problem(status, title, detail);
}
