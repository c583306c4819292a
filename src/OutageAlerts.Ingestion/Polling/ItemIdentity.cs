using System.Security.Cryptography;
using System.Text;
using OutageAlerts.Feeds.Parsing;

namespace OutageAlerts.Ingestion.Polling;

/// <summary>
/// Decides which feed items are "the same item" across polls and feeds: the guid/id (global when it is a
/// permalink, so a syndicated article is one item; else scoped to its feed, since plain ids like "1" clash
/// between feeds), else the canonical link (tracking parameters and fragment removed), else a text hash.
/// </summary>
internal static class ItemIdentity
{
    private static readonly string[] TrackingParameterPrefixes = ["utm_", "fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref_src", "at_medium", "at_campaign"];

    public static string KeyFor(string feedName, FeedItem item)
    {
        if (!string.IsNullOrWhiteSpace(item.Id))
        {
            return CanonicalLink(item.Id) is { } permalink ? "link:" + permalink : "id:" + feedName + ":" + item.Id.Trim();
        }

        if (CanonicalLink(item.Link) is { } link)
        {
            return "link:" + link;
        }

        var text = (item.Title ?? "") + "\n" + (item.Summary ?? item.Content ?? "");
        return "hash:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string? CanonicalLink(string? link)
    {
        if (string.IsNullOrWhiteSpace(link)
            || !Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var query = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !TrackingParameterPrefixes.Any(t => p.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        var builder = new UriBuilder(uri)
        {
            Fragment = "",
            Query = string.Join('&', query),
            Scheme = uri.Scheme.ToLowerInvariant(),
            Host = uri.Host.ToLowerInvariant(),
        };
        if (builder.Uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri.AbsoluteUri;
    }
}
