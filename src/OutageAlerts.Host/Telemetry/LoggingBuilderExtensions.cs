namespace OutageAlerts.Host.Telemetry;

public static class LoggingBuilderExtensions
{
    /// <summary><c>OutageAlerts:Logging:Format</c>: <c>text</c> (default) or <c>json</c> (one object per line, for log shippers).</summary>
    public const string FormatKey = "OutageAlerts:Logging:Format";

    /// <summary>
    /// Console logs carrying the trace and span ids of the current activity on every line, so a log line leads
    /// to its trace; JSON on request.
    /// </summary>
    public static ILoggingBuilder AddOutageAlertsLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        logging.ClearProviders();
        var format = configuration[FormatKey];
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }
        else if (string.IsNullOrWhiteSpace(format) || string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        else
        {
            throw new InvalidOperationException($"{FormatKey} '{format}' must be text or json.");
        }

        return logging;
    }
}
