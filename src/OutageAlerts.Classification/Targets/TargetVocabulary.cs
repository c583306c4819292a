namespace OutageAlerts.Classification.Targets;

/// <summary>The fixed target vocabulary of DESIGN.md, in output order.</summary>
public static class TargetVocabulary
{
    public const string PowerGrid = "power_grid";
    public const string Heating = "heating";
    public const string Water = "water";
    public const string Gas = "gas";
    public const string Residential = "residential";
    public const string Education = "education";
    public const string Medical = "medical";
    public const string Transport = "transport";
    public const string Commercial = "commercial";
    public const string Telecom = "telecom";
    public const string ReligiousCultural = "religious_cultural";
    public const string Humanitarian = "humanitarian";

    public static readonly IReadOnlyList<string> All =
    [
        PowerGrid, Heating, Water, Gas, Residential, Education, Medical, Transport, Commercial, Telecom, ReligiousCultural, Humanitarian,
    ];

    /// <summary>Energy, heat and water: the categories the outage-size rules apply to.</summary>
    public static readonly IReadOnlyList<string> Utilities = [PowerGrid, Heating, Water, Gas];

    public static int Order(string category)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == category)
            {
                return i;
            }
        }

        return All.Count;
    }
}
