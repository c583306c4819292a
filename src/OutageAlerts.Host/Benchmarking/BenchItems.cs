using System.Globalization;
using System.Security;
using System.Text;

namespace OutageAlerts.Host.Benchmarking;

/// <summary>One generated feed item.</summary>
public sealed record BenchItem(string Id, string Title, string Description, DateTimeOffset Published);

/// <summary>
/// Invented reports for the load harness. Strike reports are Extreme (ten or more killed), so no alert waits for
/// corroboration, and each is its own incident: reports lie two days apart, beyond the correlation window, and name
/// different places, targets and tolls.
/// </summary>
public static class BenchItems
{
    /// <summary>Farther apart than the default correlation window (30 h), so no two reports can join one incident.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromDays(2);

    private const int ItemMinutes = 1440;

    private static readonly string[] Places =
    [
        "Kharkiv", "Sumy", "Odesa", "Dnipro", "Zaporizhzhia", "Kherson", "Mykolaiv", "Poltava", "Chernihiv",
        "Kryvyi Rih", "Vinnytsia", "Zhytomyr", "Cherkasy", "Kirovohrad", "Rivne", "Ternopil", "Lutsk", "Khmelnytskyi",
        "Chernivtsi", "Ivano-Frankivsk", "Kyiv", "Lviv", "Kramatorsk", "Sloviansk", "Nikopol", "Izium",
    ];

    // {0} place, {1} killed. Each names a target kind the classifier knows and a toll that makes it Extreme.
    private static readonly (string Title, string Description)[] Strikes =
    [
        ("Missile strike on {0} power plant kills {1}",
            "A missile hit the thermal power plant in {0} overnight and {1} people were killed; the city has no electricity or heating."),
        ("Drones hit {0} substation, {1} dead",
            "Attack drones struck an electrical substation in {0}. Rescuers report {1} people killed and power cut across the area."),
        ("Shelling of {0} boiler house leaves {1} killed",
            "Artillery shells hit a boiler house in {0}; {1} people died and thousands of flats are left without heat."),
        ("Air strike on {0} water pumping station kills {1}",
            "An air strike destroyed a water pumping station in {0}, killing {1} people and leaving districts without water supply."),
    ];

    private static readonly string[] Neutral =
    [
        "City council in {0} approves a budget for park renovation",
        "Library in {0} extends its weekend opening hours",
        "Local football club from {0} signs a new goalkeeper",
        "Farmers near {0} expect a good sunflower harvest",
        "Museum in {0} opens an exhibition of folk embroidery",
    ];

    /// <summary>Strike report number <paramref name="index"/> of run <paramref name="run"/>; ids are unique per run.</summary>
    public static BenchItem Strike(string run, int index, DateTimeOffset anchor)
    {
        var place = Places[index % Places.Length];
        var (title, description) = Strikes[(index / Places.Length) % Strikes.Length];
        var killed = 10 + (index % 47);
        return new BenchItem(
            StrikeId(run, index),
            string.Format(CultureInfo.InvariantCulture, title, place, killed),
            // Lower case: a capitalised word every report shares counts as a name in common to the correlator, and
            // tipped reports of different regions published together over its threshold.
            string.Format(CultureInfo.InvariantCulture, description, place, killed) + string.Create(CultureInfo.InvariantCulture, $" (bulletin {index})"),
            anchor - (Spacing * (index + 1)));
    }

    public static string StrikeId(string run, int index) => string.Create(CultureInfo.InvariantCulture, $"bench-{run}-{index}");

    /// <summary>Unrelated local news for the poll-cycle feeds: classified, never alerted.</summary>
    public static BenchItem Calm(int feed, int index, DateTimeOffset anchor) =>
        new(
            string.Create(CultureInfo.InvariantCulture, $"calm-{feed}-{index}"),
            string.Format(CultureInfo.InvariantCulture, Neutral[(feed + index) % Neutral.Length], Places[feed % Places.Length]),
            "Residents were invited to comment before the decision is final.",
            anchor.AddMinutes(-(index % ItemMinutes)));

    /// <summary>An RSS 2.0 document holding <paramref name="items"/>.</summary>
    public static byte[] Rss(string title, IEnumerable<BenchItem> items)
    {
        var xml = new StringBuilder(4096);
        xml.Append("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>""");
        xml.Append(CultureInfo.InvariantCulture, $"<title>{SecurityElement.Escape(title)}</title><link>https://bench.example.org/</link><description>load harness feed</description>");
        foreach (var item in items)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<item><guid isPermaLink=\"false\">{item.Id}</guid><title>{SecurityElement.Escape(item.Title)}</title>");
            xml.Append(CultureInfo.InvariantCulture, $"<link>https://bench.example.org/news/{item.Id}</link><description>{SecurityElement.Escape(item.Description)}</description>");
            xml.Append(CultureInfo.InvariantCulture, $"<pubDate>{item.Published.ToString("r", CultureInfo.InvariantCulture)}</pubDate></item>");
        }

        xml.Append("</channel></rss>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }
}
