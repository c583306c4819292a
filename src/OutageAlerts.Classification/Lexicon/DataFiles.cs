using System.Text.Json.Serialization;

namespace OutageAlerts.Classification.Lexicon;

/// <summary>Shape of <c>Data/lexicon.{lang}.json</c>.</summary>
internal sealed class LexiconFile
{
    public string Language { get; set; } = string.Empty;

    public List<LexiconGroup> Groups { get; set; } = [];
}

internal sealed class LexiconGroup
{
    public string Kind { get; set; } = string.Empty;

    public List<string> Values { get; set; } = [];

    /// <summary>Free text for operators: why the group exists.</summary>
    public string? Note { get; set; }

    public List<string> Terms { get; set; } = [];
}

/// <summary>Shape of <c>Data/numbers.json</c>: number words per language.</summary>
internal sealed class NumbersFile
{
    public Dictionary<string, NumberLanguage> Languages { get; set; } = [];
}

internal sealed class NumberLanguage
{
    /// <summary>Every written form of a cardinal, inflected forms included, and its value.</summary>
    public Dictionary<string, long> Words { get; set; } = [];

    /// <summary>Scale words ("thousand", "тис", "млн") and their factor.</summary>
    public Dictionary<string, long> Multipliers { get; set; } = [];

    /// <summary>Scale words that stand for a number on their own ("a dozen", "тисяча").</summary>
    public List<string> Standalone { get; set; } = [];
}

/// <summary>Shape of <c>Data/gazetteer.json</c>.</summary>
internal sealed class GazetteerFile
{
    public List<GazetteerEntry> Places { get; set; } = [];
}

internal sealed class GazetteerEntry
{
    public string Name { get; set; } = string.Empty;

    public string Country { get; set; } = string.Empty;

    public string? Region { get; set; }

    /// <summary>city, oblast, district, landmark or country.</summary>
    public string Kind { get; set; } = "city";

    public double Lat { get; set; }

    public double Lon { get; set; }

    public double RadiusKm { get; set; } = 20;

    /// <summary>A whole-city blackout here reaches the Extreme population threshold.</summary>
    public bool BigCity { get; set; }

    /// <summary>Capitals double as the name of their government ("Kyiv rejected").</summary>
    public bool Capital { get; set; }

    /// <summary>A landmark whose name contains a site word that must not count as a target ("Merowe Dam").</summary>
    public bool MasksTargets { get; set; }

    /// <summary>Mentions of the country as the attacker are common; never pick it from a bare country name.</summary>
    public bool Attacker { get; set; }

    public double Weight { get; set; } = 1.0;

    public Dictionary<string, List<string>> Terms { get; set; } = [];

    [JsonIgnore]
    public int Index { get; set; }
}
