using OutageAlerts.Contracts;

namespace OutageAlerts.Delivery.Tests;

/// <summary>Alerts written for these tests; the places are real, the events are not.</summary>
internal static class SampleAlerts
{
    public static readonly DateTimeOffset Sent = new(2025, 11, 8, 4, 30, 0, TimeSpan.Zero);

    public static Alert Kharkiv(int version = 1, Severity severity = Severity.Severe) => new()
    {
        AlertId = "inc-2025-11-08-kharkiv",
        Version = version,
        MsgType = version == 1 ? MsgType.Alert : MsgType.Update,
        Sent = Sent.AddHours(version - 1),
        Severity = severity,
        Urgency = Urgency.Immediate,
        Certainty = Certainty.Observed,
        Event = "Drone strike on energy infrastructure",
        Headline = "Drone hits substation in Kharkiv, districts left without power",
        Description = "A drone struck a substation overnight; two people were hurt and about 40,000 homes lost power.",
        Targets = ["power_grid", "residential"],
        Country = "UA",
        Regions = ["UA-63"],
        Killed = null,
        Injured = 2,
        OutageCustomers = 40_000,
        Reasons = ["energy facility hit with outage for 40000 customers (>= 10000)"],
        Changes = version == 1 ? [] : ["injured 2 -> 5"],
        Sources =
        [
            new AlertSource("test-wire", "wire-1001", "Substation hit in Kharkiv", "https://news.example.org/wire/1001", Sent.AddMinutes(-20)),
        ],
        Language = "en",
        Area = new AlertArea("Kharkiv oblast", 49.99, 36.23, 25),
        FirstSeen = Sent.AddMinutes(-15),
    };

    public static Alert Odesa(Severity severity = Severity.Moderate) => Kharkiv(severity: severity) with
    {
        AlertId = "inc-2025-11-08-odesa",
        Event = "Shelling of a school",
        Headline = "Shelling damages a school in Odesa",
        Targets = ["education"],
        Regions = ["UA-51"],
        Area = new AlertArea("Odesa oblast", 46.48, 30.72, 20),
        OutageCustomers = null,
    };

    /// <summary>Cyrillic text end to end, so encodings are exercised.</summary>
    public static Alert KyivInUkrainian() => Kharkiv() with
    {
        AlertId = "inc-2025-11-09-kyiv",
        Event = "Missile strike on a heat and power plant",
        Headline = "Удар по ТЕЦ у Києві: без тепла понад сто тисяч споживачів",
        Description = "Вночі ракета влучила в ТЕЦ; загинули троє людей.",
        Targets = ["power_grid", "heating"],
        Regions = ["UA-30"],
        Killed = 3,
        Injured = 7,
        OutageCustomers = 120_000,
        Language = "uk",
        Area = new AlertArea("Київ", 50.45, 30.52, 15),
    };
}
