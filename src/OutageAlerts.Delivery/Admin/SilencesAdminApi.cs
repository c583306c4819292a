using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OutageAlerts.Delivery.Admin;

/// <summary><c>/silences</c> under the admin prefix: list, create, and expire (DELETE) time-bound mutes.</summary>
public static partial class SilencesAdminApi
{
    private const string Path = "/silences";

    public static IEndpointRouteBuilder MapSilencesAdminApi(this IEndpointRouteBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapGet(Path, (Delegate)ListAsync);
        admin.MapGet(Path + "/{id}", (Delegate)GetAsync);
        admin.MapPost(Path, (Delegate)CreateAsync);
        admin.MapDelete(Path + "/{id}", (Delegate)ExpireAsync);
        return admin;
    }

    private static async Task<IResult> ListAsync(HttpContext http, bool? all)
    {
        if (AdminHttp.Deny(http, AdminOptions.SilencesReadScope) is { } denied)
        {
            return denied;
        }

        var silences = await Store(http).ListAsync(all ?? false, http.RequestAborted);
        var now = Now(http);
        return Results.Ok(silences.Select(s => SilenceResource.From(s, now)).ToList());
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id)
    {
        if (AdminHttp.Deny(http, AdminOptions.SilencesReadScope) is { } denied)
        {
            return denied;
        }

        var silence = await Store(http).FindAsync(id, http.RequestAborted);
        return silence is null ? NotFound(id) : Results.Ok(SilenceResource.From(silence, Now(http)));
    }

    private static async Task<IResult> CreateAsync(HttpContext http)
    {
        if (AdminHttp.Deny(http, AdminOptions.SilencesWriteScope) is { } denied)
        {
            return denied;
        }

        var (request, error) = await AdminHttp.ReadJsonAsync<SilenceRequest>(http);
        if (error is not null)
        {
            return error;
        }

        var now = Now(http);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var silence = SilenceRequestMapper.ToSilence(request!, AdminHttp.Caller(http), now, errors);
        if (errors.Count > 0)
        {
            return AdminHttp.ValidationProblem(errors);
        }

        var created = await Store(http).CreateAsync(silence, http.RequestAborted);
        var logger = Logger(http);
        LogCreated(logger, created.Id, created.StartsAt, created.EndsAt, created.CreatedBy, created.Comment);
        return Results.Created($"{DeliveryAdminApi.AdminPrefix}{Path}/{created.Id}", SilenceResource.From(created, now));
    }

    private static async Task<IResult> ExpireAsync(HttpContext http, string id)
    {
        if (AdminHttp.Deny(http, AdminOptions.SilencesWriteScope) is { } denied)
        {
            return denied;
        }

        var expired = await Store(http).ExpireAsync(id, http.RequestAborted);
        if (expired is null)
        {
            return NotFound(id);
        }

        var (logger, caller) = (Logger(http), AdminHttp.Caller(http));
        LogExpired(logger, id, caller);
        return Results.NoContent();
    }

    private static Silences.Silences Store(HttpContext http) => http.RequestServices.GetRequiredService<Silences.Silences>();

    private static DateTimeOffset Now(HttpContext http) => http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    private static IResult NotFound(string id) =>
        AdminHttp.Problem(StatusCodes.Status404NotFound, "No such silence", $"There is no silence '{id}'.");

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SilencesAdminApi).FullName!);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silence {SilenceId} from {StartsAt} to {EndsAt} created by {Caller}: {Comment}")]
    private static partial void LogCreated(ILogger logger, string silenceId, DateTimeOffset startsAt, DateTimeOffset endsAt, string caller, string comment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silence {SilenceId} expired by {Caller}")]
    private static partial void LogExpired(ILogger logger, string silenceId, string caller);
}
