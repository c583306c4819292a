using System.Globalization;

namespace OutageAlerts.Delivery.Wording;

/// <summary>
/// The words of one language for email, SMS and subjects. English and Ukrainian; any other language reads
/// English. Severity tags stay in English capitals in every language, so mail filters work on all of them.
/// </summary>
internal sealed class WordingLocale
{
    public static WordingLocale English { get; } = new()
    {
        Code = "en",
        IsUkrainian = false,
        Numbers = CultureInfo.InvariantCulture.NumberFormat,
        Targets = new(StringComparer.Ordinal)
        {
            ["power_grid"] = "energy infrastructure",
            ["heating"] = "heating supply",
            ["water"] = "water supply",
            ["gas"] = "gas infrastructure",
            ["residential"] = "homes",
            ["education"] = "a school",
            ["medical"] = "a medical facility",
            ["transport"] = "transport",
            ["commercial"] = "commercial sites",
            ["telecom"] = "telecoms",
            ["religious_cultural"] = "a religious or cultural site",
            ["humanitarian"] = "humanitarian aid",
        },
        Strike = "Strike",
        StrikeOn = "Strike on ",
        And = " and ",
        Killed = "{0} killed",
        Injured = "{0} injured",
        NoneReported = "none reported",
        OutageCustomers = "{0} customers without supply",
        LocationUnknown = "location unknown",
        Alert = "Alert",
        Update = "Update",
        Cancelled = "Cancelled",
        What = "What",
        Where = "Where",
        When = "When",
        FirstSeen = "first seen",
        Casualties = "Casualties",
        Outage = "Outage",
        Severity = "Severity",
        SeverityDetail = "{0} (urgency {1}, certainty {2})",
        CancelledBecause = "Cancelled because",
        Changes = "What changed since the previous version",
        Reasons = "Why this severity",
        Sources = "Sources",
        Footer = "Alert {0}, version {1}, subscription {2}.",
        Unsubscribe = "To stop these alerts",
        DigestSubject = "[DIGEST] {0} alerts, highest {1}",
        DigestIntro = "Alerts below your immediate-alert threshold since the previous digest, newest version of each.",
        DigestFooter = "Digest {0}, subscription {1}.",
    };

    public static WordingLocale Ukrainian { get; } = new()
    {
        Code = "uk",
        IsUkrainian = true,
        Numbers = new NumberFormatInfo { NumberGroupSeparator = "\u00A0", NumberDecimalSeparator = "," },
        Targets = new(StringComparer.Ordinal)
        {
            ["power_grid"] = "енергетичній інфраструктурі",
            ["heating"] = "теплопостачанню",
            ["water"] = "водопостачанню",
            ["gas"] = "газовій інфраструктурі",
            ["residential"] = "житлових будинках",
            ["education"] = "навчальному закладу",
            ["medical"] = "медичному закладу",
            ["transport"] = "транспорту",
            ["commercial"] = "комерційних об'єктах",
            ["telecom"] = "об'єктах зв'язку",
            ["religious_cultural"] = "релігійній чи культурній пам'ятці",
            ["humanitarian"] = "гуманітарних об'єктах",
        },
        Strike = "Удар",
        StrikeOn = "Удар по ",
        And = " та ",
        Killed = "загинули: {0}",
        Injured = "поранені: {0}",
        NoneReported = "не повідомлялося",
        OutageCustomers = "без постачання: {0} споживачів",
        LocationUnknown = "місце невідоме",
        Alert = "Тривога",
        Update = "Оновлення",
        Cancelled = "Скасовано",
        What = "Що сталося",
        Where = "Де",
        When = "Коли",
        FirstSeen = "вперше помічено",
        Casualties = "Жертви",
        Outage = "Відключення",
        Severity = "Серйозність",
        SeverityDetail = "{0} (терміновість {1}, достовірність {2})",
        CancelledBecause = "Причина скасування",
        Changes = "Що змінилося з попередньої версії",
        Reasons = "Чому така серйозність",
        Sources = "Джерела",
        Footer = "Тривога {0}, версія {1}, підписка {2}.",
        Unsubscribe = "Щоб більше не отримувати ці сповіщення",
        DigestSubject = "[DIGEST] Сповіщень: {0}, найвища серйозність {1}",
        DigestIntro = "Сповіщення нижче вашого порогу негайних тривог з часу попереднього дайджесту, кожне в останній версії.",
        DigestFooter = "Дайджест {0}, підписка {1}.",
    };

    public required string Code { get; init; }

    public required bool IsUkrainian { get; init; }

    public required NumberFormatInfo Numbers { get; init; }

    public required Dictionary<string, string> Targets { get; init; }

    public required string Strike { get; init; }

    public required string StrikeOn { get; init; }

    public required string And { get; init; }

    public required string Killed { get; init; }

    public required string Injured { get; init; }

    public required string NoneReported { get; init; }

    public required string OutageCustomers { get; init; }

    public required string LocationUnknown { get; init; }

    public required string Alert { get; init; }

    public required string Update { get; init; }

    public required string Cancelled { get; init; }

    public required string What { get; init; }

    public required string Where { get; init; }

    public required string When { get; init; }

    public required string FirstSeen { get; init; }

    public required string Casualties { get; init; }

    public required string Outage { get; init; }

    public required string Severity { get; init; }

    public required string SeverityDetail { get; init; }

    public required string CancelledBecause { get; init; }

    public required string Changes { get; init; }

    public required string Reasons { get; init; }

    public required string Sources { get; init; }

    public required string Footer { get; init; }

    public required string Unsubscribe { get; init; }

    public required string DigestSubject { get; init; }

    public required string DigestIntro { get; init; }

    public required string DigestFooter { get; init; }

    /// <summary>The subscription's chosen language first, then the alert's, then English.</summary>
    public static WordingLocale For(string? subscriptionLanguage, string? alertLanguage)
    {
        var language = string.IsNullOrWhiteSpace(subscriptionLanguage) ? alertLanguage : subscriptionLanguage;
        return language is not null && language.StartsWith("uk", StringComparison.OrdinalIgnoreCase) ? Ukrainian : English;
    }

    public string Format(string template, params object?[] args) => string.Format(Numbers, template, args);
}
