using System.CommandLine;
using System.Globalization;
using MassTransit;
using OutageAlerts.Contracts;
using OutageAlerts.Host.Messaging;
using OutageAlerts.Incidents;
using OutageAlerts.Storage;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts alerts cancel ALERT_ID --reason TEXT [--republish]</c>: an operator withdraws an alert. The
/// cancel is recorded in the store (later reports of the incident publish nothing) and <c>AlertCancelled</c> goes out
/// on the configured bus, so delivery tells every subscriber. Configuration is loaded as the service loads it.
/// </summary>
internal static class AlertsCommand
{
    public const int Failed = 1;

    public static Command Create()
    {
        var alertId = new Argument<string>("ALERT_ID") { Description = "The alert id (oa-…) to cancel." };
        var reason = new Option<string>("--reason")
        {
            Description = "Why the alert is withdrawn; sent to subscribers with the Cancel message.",
            Required = true,
        };
        var republish = new Option<bool>("--republish")
        {
            Description = "If the alert is already cancelled, publish its Cancel message again (e.g. after a broker failure).",
        };
        var cancel = new Command("cancel", "Cancel an alert: record it in the store and publish AlertCancelled (CAP msgType Cancel).")
        {
            alertId,
            reason,
            republish,
        };
        cancel.TreatUnmatchedTokensAsErrors = false;
        cancel.SetAction(async (result, cancellationToken) =>
        {
            await using var services = BuildServices([.. result.UnmatchedTokens]);
            return await CancelAsync(
                services,
                result.GetValue(alertId)!,
                result.GetValue(reason)!,
                result.GetValue(republish),
                Console.Out,
                Console.Error,
                cancellationToken);
        });

        return new Command("alerts", "Alert operator commands.") { cancel };
    }

    /// <summary>The parts of the service a cancel needs: store, correlation and the bus, configured as the service is.</summary>
    internal static ServiceProvider BuildServices(string[] args)
    {
        // As ServiceHost does: appsettings*.json next to the binary, then environment variables, then arguments.
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }).Configuration;
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddStore(configuration)
            .AddIncidents(configuration);
        services.AddMessaging(configuration, ServiceRoles.Ingestion);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <returns>0 when the alert was cancelled (or republished); <see cref="Failed"/> for an unknown or already cancelled id or a failed publish.</returns>
    internal static async Task<int> CancelAsync(
        IServiceProvider services,
        string alertId,
        string reason,
        bool republish,
        TextWriter output,
        TextWriter errors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(alertId) || string.IsNullOrWhiteSpace(reason))
        {
            await errors.WriteLineAsync("alerts cancel: ALERT_ID and a non-empty --reason are required.");
            return Failed;
        }

        var result = await services.GetRequiredService<IIncidentCorrelator>().CancelAsync(alertId, reason, cancellationToken);
        switch (result.Outcome)
        {
            case CancelOutcome.Unknown:
                await errors.WriteLineAsync($"alerts cancel: no alert with id '{alertId}' in the store.");
                return Failed;
            case CancelOutcome.CancelledBeforeAnnounced:
                await output.WriteLineAsync($"Alert {alertId} was still held for corroboration: cancelled before any message went out; nothing to publish.");
                return 0;
            case CancelOutcome.AlreadyCancelled when !republish || result.Alert is null:
                await errors.WriteLineAsync(result.Alert is null
                    ? $"alerts cancel: alert '{alertId}' is already cancelled (it was never announced)."
                    : string.Create(CultureInfo.InvariantCulture, $"alerts cancel: alert '{alertId}' is already cancelled (version {result.Alert.Version}, sent {result.Alert.Sent:u}); use --republish to publish that Cancel message again."));
                return Failed;
            default:
                break;
        }

        var cancel = result.Alert!;
        // The stored reason goes out on a republish; the command's --reason only applies to a new cancel.
        var sentReason = result.Outcome == CancelOutcome.Cancelled ? reason : StoredReason(cancel) ?? reason;
        var transport = MessagingOptions.From(services.GetRequiredService<IConfiguration>()).Transport;
        var bus = services.GetRequiredService<IBusControl>();
        try
        {
            await bus.StartAsync(cancellationToken);
            try
            {
                await bus.Publish(new AlertCancelled(cancel, sentReason), cancellationToken);
            }
            finally
            {
                await bus.StopAsync(CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // Any broker failure is reported to the operator with the way to retry.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await errors.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"alerts cancel: alert '{alertId}' is cancelled in the store (version {cancel.Version}) but publishing AlertCancelled on {transport} failed: {ex.Message}. Run again with --republish."));
            return Failed;
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{(result.Outcome == CancelOutcome.Cancelled ? "Cancelled" : "Republished the cancel of")} alert {cancel.AlertId}: published AlertCancelled version {cancel.Version} (msgType Cancel, reason \"{sentReason}\") on the {transport} bus; references {string.Join(' ', cancel.References)}."));
        if (transport == TransportKind.InMemory)
        {
            await errors.WriteLineAsync("alerts cancel: the bus is in-memory, so only this process saw the message; a running service learns of the cancel only through RabbitMQ (OutageAlerts:Transport=RabbitMq).");
        }

        return 0;
    }

    private static string? StoredReason(Alert cancel) =>
        cancel.Changes.FirstOrDefault(c => c.StartsWith(CancelledPrefix, StringComparison.Ordinal)) is { } line ? line[CancelledPrefix.Length..] : null;

    private const string CancelledPrefix = "cancelled: ";
}
