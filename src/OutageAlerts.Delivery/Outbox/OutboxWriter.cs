using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OutageAlerts.Delivery.Routing;
using OutageAlerts.Delivery.Subscriptions;

namespace OutageAlerts.Delivery.Outbox;

/// <summary>
/// Writes deliveries as files instead of sending them, so a newcomer sees alerts without any accounts. Names
/// start with the UTC time, so a directory listing is in delivery order, and end with the delivery key.
/// </summary>
public sealed class OutboxWriter(IOptions<DeliveryOptions> options, TimeProvider time)
{
    /// <summary>Indented and without \u escapes, so Cyrillic and Arabic text stays readable in the files.</summary>
    public static JsonWriterOptions JsonOptions { get; } = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public bool Enabled => options.Value.OutboxEnabled;

    public string Directory => Path.GetFullPath(options.Value.OutboxDirectory ?? ".");

    public Task<string> WriteAsync(
        DeliveryChannel channel,
        IAlertDelivery delivery,
        string extension,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var head = delivery.Head;
        return WriteAsync(
            channel,
            $"{Safe(head.AlertId)}-v{head.Version.ToString(CultureInfo.InvariantCulture)}-{Safe(delivery.SubscriptionId)}",
            extension,
            write,
            cancellationToken);
    }

    /// <summary>Writes a file named after <paramref name="what"/> (already safe for a file name), e.g. a digest id.</summary>
    public async Task<string> WriteAsync(
        DeliveryChannel channel,
        string what,
        string extension,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var directory = Directory;
        System.IO.Directory.CreateDirectory(directory);
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff'Z'}-{channel.ToString().ToLowerInvariant()}-{Safe(what)}.{extension}");
        var path = Path.Combine(directory, name);

        // Written under a temporary name and renamed, so anything watching the folder never reads half a file.
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await write(stream, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string Safe(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return builder.Length > 80 ? builder.ToString(0, 80) : builder.ToString();
    }
}
