using System.Net;
using Polly.Timeout;

namespace OutageAlerts.Delivery.Dispatch;

/// <summary>How HTTP answers and errors map to delivery outcomes, shared by the webhook and SMS senders.</summary>
internal static class HttpOutcome
{
    private const int MaxDetailLength = 300;

    public static async Task<DeliveryResult> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        if (code is >= 200 and <= 299)
        {
            return DeliveryResult.Delivered;
        }

        var detail = await ReadDetailAsync(response, cancellationToken);
        var error = $"HTTP {code} {response.ReasonPhrase}{detail}";
        return IsPermanent(response.StatusCode) ? DeliveryResult.Permanent(error) : DeliveryResult.Transient(error);
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
