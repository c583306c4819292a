using System.Globalization;
using System.Security;
using System.Text;

namespace OutageAlerts.IntegrationTests.Pipeline;

/// <summary>One feed item of the local test feeds; <see cref="Expect"/> says which channels must get it.</summary>
public sealed record TestItem(string ItemId, string Title, string Description, DateTimeOffset Published, Expect Expect);

[Flags]
public enum Expect
{
    Nothing = 0,
    Webhook = 1,
    Email = 2,
    Sms = 4,
}

/// <summary>Three local RSS feeds (English, Ukrainian, Russian) mixing strike reports with unrelated news. Events are invented.</summary>
public static class TestFeeds
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    public static readonly TestItem[] English =
    [
        new("en-1", "Missile strike on Kyiv thermal power plant kills 12, city left without heat",
            "Russian missiles hit a combined heat and power plant in Kyiv before dawn, killing 12 people and injuring 20. Large parts of the capital are without heating and electricity.",
            Day.AddHours(3), Expect.Webhook | Expect.Email | Expect.Sms),
        new("en-2", "Drone attack on Dnipro substation cuts power to 40,000 customers",
            "A Russian drone struck an electrical substation in Dnipro overnight. The regional energy company said 40,000 customers were left without power. No casualties were reported.",
            Day.AddHours(4), Expect.Webhook | Expect.Email),
        new("en-3", "Glide bomb hits apartment building in Kharkiv, four killed",
            "A guided aerial bomb struck a residential building in Kharkiv on Thursday afternoon, killing four people and wounding 15, the regional governor said.",
            Day.AddHours(5), Expect.Webhook | Expect.Email),
        new("en-4", "Drone damages warehouse in Lviv oblast, two injured",
            "A drone hit a warehouse storing household goods near Lviv overnight. Two people were lightly injured and the fire was put out by morning.",
            Day.AddHours(6), Expect.Webhook),
        new("en-5", "Coal miners strike over unpaid wages",
            "Miners at a state-owned coal company walked out on Thursday demanding three months of overdue pay.",
            Day.AddHours(7), Expect.Nothing),
        new("en-6", "Central bank keeps its key interest rate unchanged",
            "The national bank left its policy rate at the current level, citing slowing inflation and a stable currency.",
            Day.AddHours(8), Expect.Nothing),
        new("en-7", "Storm knocks out power to villages in the west",
            "Strong winds and wet snow brought down power lines in several villages of Volyn oblast. Repair crews expect to restore supply by evening.",
            Day.AddHours(9), Expect.Nothing),
    ];

    public static readonly TestItem[] Ukrainian =
    [
        new("uk-1", "Ракетний удар по Одесі: пошкоджено енергетичний об'єкт, без світла 50 тисяч абонентів",
            "Уночі ворог атакував Одесу ракетами. Пошкоджено об'єкт енергетичної інфраструктури, без електропостачання залишилися 50 тисяч абонентів.",
            Day.AddHours(10), Expect.Webhook | Expect.Email),
        new("uk-2", "У Львові відкрився різдвяний ярмарок",
            "На площі Ринок почав роботу традиційний ярмарок з концертами та майстер-класами.",
            Day.AddHours(11), Expect.Nothing),
    ];

    public static readonly TestItem[] Russian =
    [
        new("ru-1", "Обстрел Херсона: погибли три человека, повреждена больница",
            "Российская армия обстреляла Херсон из артиллерии. Снаряд попал в здание городской больницы, погибли три человека, ещё шестеро ранены.",
            Day.AddHours(12), Expect.Webhook | Expect.Email),
        new("ru-2", "Футбольный клуб сыграл вничью в товарищеском матче",
            "Команды не смогли забить ни одного мяча в контрольной встрече на зимних сборах.",
            Day.AddHours(13), Expect.Nothing),
    ];

    public static IEnumerable<TestItem> All => English.Concat(Ukrainian).Concat(Russian);

    public static string Rss(string title, IEnumerable<TestItem> items)
    {
        var xml = new StringBuilder();
        xml.Append("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>""");
        xml.Append(CultureInfo.InvariantCulture, $"<title>{SecurityElement.Escape(title)}</title><link>https://example.org/</link><description>test feed</description>");
        foreach (var item in items)
        {
            xml.Append(CultureInfo.InvariantCulture, $"""
                <item><guid isPermaLink="false">{item.ItemId}</guid><title>{SecurityElement.Escape(item.Title)}</title>
                <link>https://example.org/news/{item.ItemId}</link><description>{SecurityElement.Escape(item.Description)}</description>
                <pubDate>{item.Published.ToString("r", CultureInfo.InvariantCulture)}</pubDate></item>
                """);
        }

        xml.Append("</channel></rss>");
        return xml.ToString();
    }
}
