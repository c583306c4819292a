using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OutageAlerts.Delivery.Admin;

/// <summary>What every admin endpoint shares: API keys and scopes, problem details, and reading a bounded JSON body.</summary>
internal static partial class AdminHttp
{
    public const long MaxRequestBytes = 16 * 1024;

    public static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web);

    private const string CallerItem = "OutageAlerts.Admin.Caller";

    /// <summary>Null when the request carries a configured key with the scope; otherwise the 401 or 403 to answer.</summary>
    public static IResult? Deny(HttpContext http, string scope)
    {
        var keys = http.RequestServices.GetRequiredService<IOptionsMonitor<AdminOptions>>().CurrentValue.ApiKeys;
        var presented = PresentedKey(http.Request);
        if (presented is null)
        {
            return Problem(StatusCodes.Status401Unauthorized, "API key required", "Send the key as 'Authorization: Bearer <key>' or 'X-Api-Key'.");
        }

        var bytes = Encoding.UTF8.GetBytes(presented);
        var index = keys.FindIndex(k => k.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k.Key), bytes));
        if (index < 0)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Unknown API key", "The key is not configured.");
        }

        var match = keys[index];
        if (!match.Scopes.Contains(scope, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status403Forbidden, "Missing scope", $"The key lacks the '{scope}' scope.");
        }

        http.Items[CallerItem] = string.IsNullOrWhiteSpace(match.Name)
            ? string.Create(CultureInfo.InvariantCulture, $"key #{index}")
            : match.Name.Trim();
        return null;
    }

    /// <summary>The non-secret label of the key that <see cref="Deny"/> let through: its Name, or "key #N".</summary>
    public static string Caller(HttpContext http) =>
        http.Items.TryGetValue(CallerItem, out var label) && label is string text ? text : "unknown";

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>400 with an RFC 9457 <c>errors</c> object keyed by the request's field names.</summary>
    public static IResult ValidationProblem(IReadOnlyDictionary<string, List<string>> errors, string detail = "The request has invalid fields.") =>
        Results.ValidationProblem(
            errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
            detail: detail);

    /// <summary>
    /// Reads a JSON body of at most <see cref="MaxRequestBytes"/>: 413 when larger (announced or streamed), 415 when
    /// not JSON, 400 naming the field when malformed. Exactly one of the result's value and error is set.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpContext http)
        where T : class
    {
        if (http.Request.ContentLength is > MaxRequestBytes)
        {
            return (null, TooLarge());
        }

        if (!http.Request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "JSON expected", "Send the request as application/json."));
        }

        // Without a Content-Length (chunked) only the server's own limit stops a body that keeps coming.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxRequestBytes;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, RequestJson, http.RequestAborted);
            return value is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "Body required", "Send a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            var where = string.Create(CultureInfo.InvariantCulture, $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}");
            if (field is null)
            {
                return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not a valid JSON object ({where})."));
            }

            return (null, ValidationProblem(
                new Dictionary<string, List<string>> { [field] = [$"has a value of the wrong type or malformed JSON ({where})."] },
                "The body could not be read."));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    /// <summary>Rejects members of the body the endpoint does not know, so a misspelt filter is not silently ignored.</summary>
    public static void CheckUnknown(
        IDictionary<string, JsonElement>? extra, string prefix, IReadOnlySet<string> ignored, Dictionary<string, List<string>> errors)
    {
        foreach (var name in extra?.Keys ?? [])
        {
            if (!ignored.Contains(name))
            {
                Add(errors, prefix + name, "is not a known field.");
            }
        }
    }

    public static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    public static string ETag(long revision) => string.Create(CultureInfo.InvariantCulture, $"\"{revision}\"");

    /// <summary>
    /// Whether the request's If-Match allows changing a resource at <paramref name="revision"/>: no header, <c>*</c>,
    /// or one of the listed tags.
    /// </summary>
    public static bool IfMatchAllows(HttpRequest request, long revision)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return true;
        }

        var current = ETag(revision);
        return header.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(t => t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t)
            .Any(t => t == "*" || t == current);
    }

    private static IResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", $"Requests are limited to {MaxRequestBytes} bytes.");

    /// <summary><c>$.matchers.countries[2]</c> becomes <c>matchers.countries</c>; the root gives null.</summary>
    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = IndexPattern().Replace(path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, "");
        return field.Length == 0 || field.StartsWith('$') ? null : field;
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var header = request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header : null;
    }

    [GeneratedRegex(@"\[[^\]]*\]", RegexOptions.CultureInvariant)]
    private static partial Regex IndexPattern();
}
