using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OutageAlerts.Contracts;
using OutageAlerts.Delivery.Webhooks;

namespace OutageAlerts.Delivery.Pull;

/// <summary>
/// Pull outputs for consumers that cannot receive pushes: <c>GET /api/alerts/cap.atom</c> (CAP 1.2 alerts in an Atom
/// feed, recently cancelled ones included as CAP <c>Cancel</c>), <c>GET /api/alerts/{alertId}/cap.xml</c> and
/// <c>GET /api/alerts.geojson</c>. Filters: <c>minSeverity</c>, <c>country</c>, <c>region</c>.
/// </summary>
public static class PullEndpoints
{
    public const string AtomPath = "/api/alerts/cap.atom";
    public const string GeoJsonPath = "/api/alerts.geojson";
    public const string CapPath = "/api/alerts/{alertId}/cap.xml";

    /// <summary>Short: polling consumers should see a new alert within a minute, and the store answers every miss.</summary>
    public static readonly TimeSpan CacheMaxAge = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Maps the pull outputs. They are public, with no API key: they carry only what any subscriber receives anyway
    /// (the alert messages), never subscriptions, recipients or the delivery log. Put them behind the ingress's own
    /// access rules if a deployment's alerts must stay private.
    /// </summary>
    public static IEndpointRouteBuilder MapPullOutputs(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // The casts keep these handlers from binding as RequestDelegate, which would drop the IResult they return.
        endpoints.MapGet(AtomPath, (Delegate)AtomAsync);
        endpoints.MapGet(GeoJsonPath, (Delegate)GeoJsonAsync);
        endpoints.MapGet(CapPath, (Delegate)CapAsync);
        return endpoints;
    }

    private static async Task<IResult> AtomAsync(HttpContext http)
    {
        if (ReadQuery(http, includeCancelled: true, out var query) is { } invalid)
        {
            return invalid;
        }

        var alerts = await http.RequestServices.GetRequiredService<CurrentAlerts>().ListAsync(query, http.RequestAborted);
        if (Validate(http, EntityTagFor(alerts)) is { } notModified)
        {
            return notModified;
        }

        var baseUrl = BaseUrl(http);
        var self = new Uri(baseUrl, AtomPath.TrimStart('/') + http.Request.QueryString.Value);
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return Results.Bytes(CapAtomFeed.Render(alerts, self, id => CapUrl(baseUrl, id), now), CapAtomFeed.ContentType);
    }

    private static async Task<IResult> GeoJsonAsync(HttpContext http)
    {
        if (ReadQuery(http, includeCancelled: false, out var query) is { } invalid)
        {
            return invalid;
        }

        var alerts = await http.RequestServices.GetRequiredService<CurrentAlerts>().ListAsync(query, http.RequestAborted);
        return Validate(http, EntityTagFor(alerts))
            ?? Results.Bytes(AlertsGeoJson.Render(alerts), AlertsGeoJson.ContentType);
    }

    private static async Task<IResult> CapAsync(HttpContext http, string alertId)
    {
        var current = await http.RequestServices.GetRequiredService<CurrentAlerts>().FindAsync(alertId, http.RequestAborted);
        if (current is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown alert", $"No alert with id '{alertId}' reached delivery.");
        }

        return Validate(http, EntityTagFor([current]))
            ?? Results.Bytes(CapDocument.Serialize(current.Kind, current.Alert, current.CancelReason), CapDocument.ContentType);
    }

    /// <summary>Null with the query to run, or the 400 to answer for a bad filter.</summary>
    private static IResult? ReadQuery(HttpContext http, bool includeCancelled, out CurrentAlertsQuery query)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<PullOptions>>().CurrentValue;
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        query = new CurrentAlertsQuery(now - options.CurrentWindow, options.MaxEntries) { IncludeCancelled = includeCancelled };
        var parameters = http.Request.Query;

        if (Single(parameters, "minSeverity") is { } severityText)
        {
            // Names only: Enum.TryParse would also take "4" or "1,2".
            if (!Enum.GetNames<Severity>().Contains(severityText, StringComparer.OrdinalIgnoreCase))
            {
                return Problem(StatusCodes.Status400BadRequest, "Unknown severity", "minSeverity must be Minor, Moderate, Severe or Extreme.");
            }

            query = query with { MinSeverity = Enum.Parse<Severity>(severityText, ignoreCase: true) };
        }

        if (Single(parameters, "country") is { } country)
        {
            if (country.Length != 2 || !country.All(char.IsAsciiLetter))
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad country", "country must be an ISO 3166-1 alpha-2 code such as UA.");
            }

            query = query with { Country = country.ToUpperInvariant() };
        }

        if (Single(parameters, "region") is { } region)
        {
            if (!CurrentAlerts.IsRegionCode(region))
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad region", "region must be an ISO 3166-2 code such as UA-63.");
            }

            query = query with { Region = region.ToUpperInvariant() };
        }

        return null;
    }

    private static string? Single(IQueryCollection parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;

    /// <summary>
    /// Weak: the bytes also depend on the host the request named. The latest recording time alone would miss an
    /// alert leaving the window, so every listed version goes into the tag.
    /// </summary>
    internal static EntityTagHeaderValue EntityTagFor(IReadOnlyCollection<CurrentAlert> alerts)
    {
        var latest = alerts.Count == 0 ? 0 : alerts.Max(a => a.RecordedAt.ToUnixTimeMilliseconds());
        var listed = new StringBuilder();
        foreach (var current in alerts)
        {
            listed.Append(CultureInfo.InvariantCulture, $"{current.Alert.AlertId}\n{current.Alert.Version}\n{current.Kind}\n");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listed.ToString())).AsSpan(0, 8));
        return new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{latest:x}-{hash}\""), isWeak: true);
    }

    /// <summary>Sets the validators and caching headers; returns 304 when the client's copy is still current.</summary>
    private static IResult? Validate(HttpContext http, EntityTagHeaderValue tag)
    {
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = tag;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = CacheMaxAge };
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var presented = http.Request.GetTypedHeaders().IfNoneMatch;
        return presented.Any(p => p.Equals(EntityTagHeaderValue.Any) || p.Compare(tag, useStrongComparison: false))
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : null;
    }

    private static Uri BaseUrl(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<PullOptions>>().CurrentValue;
        var configured = options.PublicBaseUrl?.AbsoluteUri;
        var request = http.Request;
        var text = configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        // A base without the trailing slash would lose its last path segment when the paths are resolved against it.
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    private static Uri CapUrl(Uri baseUrl, string alertId) =>
        new(baseUrl, $"api/alerts/{Uri.EscapeDataString(alertId)}/cap.xml");

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);
}
