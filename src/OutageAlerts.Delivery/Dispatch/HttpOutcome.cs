using System.Net;
using Polly.Timeout;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>How HTTP answers and errors map to delivery outcomes, shared by the webhook and SMS senders.</summary>
internal static class HttpOutcome
{
    private const int MaxDetailLength = 300;

    public static async Task<DeliveryResult> FromResponseAsync(
        HttpResponseMessage response, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        if (code is >= 200 and <= 299)
        {
            return DeliveryResult.Delivered;
        }

        var detail = await ReadDetailAsync(response, cancellationToken);
        var error = $"HTTP {code} {response.ReasonPhrase}{detail}";
        if (code is >= 300 and <= 399)
        {
            // Redirects are never followed (the address check covers the configured target only); asking again
            // gets the same answer, so the operator has to point the subscription at where it leads.
            var location = response.Headers.Location is { } target ? $" to {Wording.Redact.Url(target.IsAbsoluteUri ? target.AbsoluteUri : target.OriginalString)}" : "";
            return DeliveryResult.Permanent($"{error}: redirect{location} not followed; configure the final URL");
        }

        if (response.StatusCode == HttpStatusCode.Gone)
        {
            return DeliveryResult.Gone(error);
        }

        return IsPermanent(response.StatusCode)
            ? DeliveryResult.Permanent(error)
            : DeliveryResult.Transient(error, RetryAfter(response, now));
    }

    /// <summary>The wait a 429 or 503 asks for, as seconds or as an HTTP date; null when absent or meaningless.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        var wait = header.Delta ?? (header.Date is { } date ? date - now : null);
        return wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>4xx other than 408 and 429 says the request itself is wrong; anything else may pass later.</summary>
    public static bool IsPermanent(HttpStatusCode status)
    {
        var code = (int)status;
        return code is >= 400 and <= 499 && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests;
    }

    public static DeliveryResult FromException(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => throw exception,
        TimeoutRejectedException or OperationCanceledException => DeliveryResult.Transient("timed out waiting for an answer"),
        HttpRequestException http => DeliveryResult.Transient($"{http.HttpRequestError}: {Innermost(http).Message}"),
        _ => DeliveryResult.Transient($"{exception.GetType().Name}: {exception.Message}"),
    };

    public static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            text = text.ReplaceLineEndings(" ").Trim();
            return text.Length == 0 ? "" : $": {(text.Length > MaxDetailLength ? text[..MaxDetailLength] + "…" : text)}";
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}
