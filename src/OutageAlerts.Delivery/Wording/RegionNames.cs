namespace OutageAlerts.Delivery.Wording;

/// <summary>
/// Readable names for the ISO 3166-2 regions and ISO 3166-1 countries alerts mostly name, in English and
/// Ukrainian; a code not listed is shown as the code itself.
/// </summary>
internal static class RegionNames
{
    private static readonly Dictionary<string, (string English, string Ukrainian)> Regions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UA-05"] = ("Vinnytsia oblast", "Вінницька область"),
        ["UA-07"] = ("Volyn oblast", "Волинська область"),
        ["UA-09"] = ("Luhansk oblast", "Луганська область"),
        ["UA-12"] = ("Dnipropetrovsk oblast", "Дніпропетровська область"),
        ["UA-14"] = ("Donetsk oblast", "Донецька область"),
        ["UA-18"] = ("Zhytomyr oblast", "Житомирська область"),
        ["UA-21"] = ("Zakarpattia oblast", "Закарпатська область"),
        ["UA-23"] = ("Zaporizhzhia oblast", "Запорізька область"),
        ["UA-26"] = ("Ivano-Frankivsk oblast", "Івано-Франківська область"),
        ["UA-30"] = ("Kyiv city", "місто Київ"),
        ["UA-32"] = ("Kyiv oblast", "Київська область"),
        ["UA-35"] = ("Kirovohrad oblast", "Кіровоградська область"),
        ["UA-40"] = ("Sevastopol city", "місто Севастополь"),
        ["UA-43"] = ("Crimea", "Автономна Республіка Крим"),
        ["UA-46"] = ("Lviv oblast", "Львівська область"),
        ["UA-48"] = ("Mykolaiv oblast", "Миколаївська область"),
        ["UA-51"] = ("Odesa oblast", "Одеська область"),
        ["UA-53"] = ("Poltava oblast", "Полтавська область"),
        ["UA-56"] = ("Rivne oblast", "Рівненська область"),
        ["UA-59"] = ("Sumy oblast", "Сумська область"),
        ["UA-61"] = ("Ternopil oblast", "Тернопільська область"),
        ["UA-63"] = ("Kharkiv oblast", "Харківська область"),
        ["UA-65"] = ("Kherson oblast", "Херсонська область"),
        ["UA-68"] = ("Khmelnytskyi oblast", "Хмельницька область"),
        ["UA-71"] = ("Cherkasy oblast", "Черкаська область"),
        ["UA-74"] = ("Chernihiv oblast", "Чернігівська область"),
        ["UA-77"] = ("Chernivtsi oblast", "Чернівецька область"),
    };

    private static readonly Dictionary<string, (string English, string Ukrainian)> Countries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UA"] = ("Ukraine", "Україна"),
        ["PS"] = ("Palestine", "Палестина"),
        ["IL"] = ("Israel", "Ізраїль"),
        ["LB"] = ("Lebanon", "Ліван"),
        ["SY"] = ("Syria", "Сирія"),
        ["YE"] = ("Yemen", "Ємен"),
        ["SD"] = ("Sudan", "Судан"),
        ["MM"] = ("Myanmar", "М'янма"),
        ["RU"] = ("Russia", "Росія"),
        ["MD"] = ("Moldova", "Молдова"),
    };

    public static string? Region(string code, bool ukrainian) =>
        Regions.TryGetValue(code, out var names) ? (ukrainian ? names.Ukrainian : names.English) : null;

    public static string? Country(string code, bool ukrainian) =>
        Countries.TryGetValue(code, out var names) ? (ukrainian ? names.Ukrainian : names.English) : null;
}
