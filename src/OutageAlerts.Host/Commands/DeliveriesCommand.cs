using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OutageAlerts.Delivery;
using OutageAlerts.Delivery.Log;
using OutageAlerts.Delivery.Subscriptions;
using OutageAlerts.Delivery.Wording;

namespace OutageAlerts.Host.Commands;

/// <summary>
/// <c>outage-alerts deliveries list|replay</c>: the delivery log from the store, and sending one delivery again.
/// A replay does what the admin API's does: the delivery is reopened in the log and a retry falls due now, which the
/// retry pump of a running delivery process picks up; this command sends nothing itself.
/// </summary>
internal static class DeliveriesCommand
{
    public const int Failed = 1;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;
    private const int ErrorColumnWidth = 60;

    private static readonly JsonSerializerOptions JsonLines = new(CliJson.Options)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create() =>
        new("deliveries", "The delivery log: every delivery with its outcome; replay one.") { CreateList(), CreateReplay() };

    private static Command CreateList()
    {
        var subscription = new Option<string?>("--subscription") { Description = "Only this subscription's deliveries." };
        var status = new Option<string?>("--status") { Description = $"Only deliveries in this status ({StatusNames()})." };
        var alert = new Option<string?>("--alert") { Description = "Only deliveries of this alert id (every version)." };
        var limit = new Option<int>("--limit")
        {
            Description = $"At most this many rows, most recently updated first (1 to {MaxLimit}).",
            DefaultValueFactory = _ => DefaultLimit,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var list = new Command("list", "List deliveries from the delivery log, most recently updated first; recipients are masked.")
        {
            subscription,
            status,
            alert,
            limit,
            json,
        };
        list.SetAction(async (result, cancellationToken) =>
        {
            await using var services = BuildServices();
            return await ListAsync(
                services.GetRequiredService<DeliveryLog>(),
                new ListRequest(result.GetValue(subscription), result.GetValue(status), result.GetValue(alert), result.GetValue(limit), result.GetValue(json)),
                Console.Out,
                Console.Error,
                cancellationToken);
        });
        return list;
    }

    private static Command CreateReplay()
    {
        var alert = new Option<string>("--alert") { Description = "The alert id.", Required = true };
        var version = new Option<int>("--version") { Description = "The alert version (1, 2, …).", Required = true };
        var subscription = new Option<string>("--subscription") { Description = "The subscription id.", Required = true };
        var replay = new Command(
            "replay",
            "Send one delivery again: reopen it in the delivery log and make its retry due now; a running delivery process sends it.")
        {
            alert,
            version,
            subscription,
        };
        replay.SetAction(async (result, cancellationToken) =>
        {
            await using var services = BuildServices();
            return await ReplayAsync(
                services,
                new DeliveryKey(result.GetValue(alert)!, result.GetValue(version), result.GetValue(subscription)!),
                Console.Out,
                Console.Error,
                cancellationToken);
        });
        return replay;
    }

    /// <summary>The delivery store as the service opens it: configuration loads as the service's does.</summary>
    internal static ServiceProvider BuildServices()
    {
        var configuration = CommandConfiguration.Load();
        // AddDelivery brings every delivery migration, so the log's tables exist whatever this store has seen before.
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton(configuration)
            .AddDelivery(configuration)
            .BuildServiceProvider();
    }

    internal sealed record ListRequest(string? SubscriptionId, string? Status, string? AlertId, int Limit, bool Json);

    internal static async Task<int> ListAsync(DeliveryLog log, ListRequest request, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        DeliveryStatus? status = null;
        if (request.Status is not null)
        {
            // Names only: Enum.TryParse would also take "1".
            if (!Enum.GetNames<DeliveryStatus>().Contains(request.Status, StringComparer.OrdinalIgnoreCase))
            {
                await errors.WriteLineAsync($"deliveries list: unknown --status '{request.Status}'; use one of {StatusNames()}.");
                return Failed;
            }

            status = Enum.Parse<DeliveryStatus>(request.Status, ignoreCase: true);
        }

        if (request.Limit is < 1 or > MaxLimit)
        {
            await errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"deliveries list: --limit must be between 1 and {MaxLimit}."));
            return Failed;
        }

        IReadOnlyList<DeliveryLogEntry> entries;
        if (request.AlertId is null)
        {
            entries = await log.ListAsync(request.SubscriptionId, status, request.Limit, cancellationToken);
        }
        else
        {
            // One alert has few rows (versions × subscriptions), so the other filters can run here.
            entries = [.. (await log.ListForAlertAsync(request.AlertId, cancellationToken))
                .Where(e => request.SubscriptionId is null || e.SubscriptionId == request.SubscriptionId)
                .Where(e => status is null || e.Status == status)
                .OrderByDescending(e => e.UpdatedAt)
                .ThenBy(e => e.Version)
                .ThenBy(e => e.SubscriptionId, StringComparer.Ordinal)
                .Take(request.Limit)];
        }

        if (request.Json)
        {
            foreach (var entry in entries)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(entry with { Recipient = Mask(entry.Channel, entry.Recipient) }, JsonLines));
            }

            return 0;
        }

        await output.WriteLineAsync($"{"UPDATED (UTC)",-19}  {"ALERT",-28} {"V",3}  {"SUBSCRIPTION",-20} {"CHANNEL",-7} {"RECIPIENT",-28} {"KIND",-9} {"STATUS",-10} {"ATTEMPTS",8}  LAST ERROR");
        foreach (var entry in entries)
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{entry.UpdatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {entry.AlertId,-28} {entry.Version,3}  {entry.SubscriptionId,-20} {Lower(entry.Channel),-7} {Mask(entry.Channel, entry.Recipient),-28} {Lower(entry.Kind),-9} {Lower(entry.Status),-10} {entry.Attempts,8}  {Shorten(entry.LastError)}"));
        }

        return 0;
    }

    /// <returns>0 when the replay is scheduled; <see cref="Failed"/> when the log or the archive does not have the delivery.</returns>
    internal static async Task<int> ReplayAsync(IServiceProvider services, DeliveryKey key, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(key.AlertId) || string.IsNullOrWhiteSpace(key.SubscriptionId) || key.Version < 1)
        {
            await errors.WriteLineAsync("deliveries replay: --alert, --version (1 or more) and --subscription are required.");
            return Failed;
        }

        var log = services.GetRequiredService<DeliveryLog>();
        var entry = await log.FindAsync(key, cancellationToken);
        if (entry is null)
        {
            await errors.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"deliveries replay: no delivery of alert '{key.AlertId}' version {key.Version} to subscription '{key.SubscriptionId}' in the delivery log; `deliveries list --alert {key.AlertId}` shows its deliveries."));
            return Failed;
        }

        // The retry pump rebuilds the message from the archive; without it there is nothing to send.
        if (await services.GetRequiredService<AlertArchive>().FindAsync(key.AlertId, key.Version, cancellationToken) is null)
        {
            await errors.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"deliveries replay: alert '{key.AlertId}' version {key.Version} is not in the alert archive, so the delivery cannot be rebuilt."));
            return Failed;
        }

        await log.ReopenAsync(key, cancellationToken);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await services.GetRequiredService<DeliveryRetries>().ScheduleAsync(key, entry.Channel, now, cancellationToken);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Replay of alert {key.AlertId} version {key.Version} to subscription {key.SubscriptionId} ({Lower(entry.Channel)}, was {Lower(entry.Status)} after {entry.Attempts} attempt(s)) is due now; a running delivery process sends it at its next retry poll."));
        return 0;
    }

    /// <summary>
    /// Enough to tell recipients apart, not to contact them: terminal output ends up in tickets and chat. Webhook URLs
    /// keep scheme and host only, since paths often carry tokens.
    /// </summary>
    internal static string Mask(DeliveryChannel channel, string recipient) => Redact.Recipient(channel, recipient);

    private static string StatusNames() => string.Join(", ", Enum.GetNames<DeliveryStatus>().Select(n => n.ToLowerInvariant()));

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Shorten(string? error)
    {
        if (error is null)
        {
            return "-";
        }

        var line = error.ReplaceLineEndings(" ");
        return line.Length <= ErrorColumnWidth ? line : line[..(ErrorColumnWidth - 1)] + "…";
    }
}
