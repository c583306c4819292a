namespace OutageAlerts.Classification.Lexicon;

/// <summary>What a lexicon term signals. Data files name these in camelCase ("target", "noCasualties").</summary>
internal enum TermKind
{
    /// <summary>A kinetic attack word; value "strong", "moderate" or "explosion".</summary>
    Attack,

    /// <summary>Hit or damage ("struck", "пошкоджено").</summary>
    Hit,

    /// <summary>Aftermath of a blast without naming it (rubble, death toll): weak evidence of a strike.</summary>
    Aftermath,

    /// <summary>A site; values are vocabulary categories.</summary>
    Target,

    /// <summary>Context in which a site is not a target ("taken to hospital").</summary>
    NonTarget,

    /// <summary>"near", "поблизу": the site that follows is a location, not what was hit.</summary>
    Locative,

    /// <summary>A service cut off; values are the services.</summary>
    Outage,

    /// <summary>Size of an outage; value local, wholeCity, wholeDistrict, multiRegion, nationwide, half, supplyUnaffected.</summary>
    OutageScope,

    Nuclear,
    NuclearSupply,
    Killed,
    Injured,

    /// <summary>Casualties of unspecified kind ("casualties"): marks them as present but never takes a figure.</summary>
    Casualties,
    NoCasualties,
    NoDamage,
    VagueMany,
    VagueFew,
    PersonNoun,

    /// <summary>One person named without a number ("a paramedic", "водій", "женщина"): a casualty word beside it counts one.</summary>
    PersonSingle,

    /// <summary>"at least", "more than" (value "min") or "almost", "about" (value "approx") before a figure.</summary>
    Qualifier,

    /// <summary>A noun that makes a preceding number something other than people (storeys, drones, years).</summary>
    UnitNoun,

    /// <summary>"of them", "including": the adjacent number is a subgroup and not the total.</summary>
    SubgroupMarker,

    /// <summary>"rose to": relays the following number to the casualty word before it.</summary>
    TollRelay,

    /// <summary>Figurative or non-military use of an attack word; masks it.</summary>
    Figurative,
    Sports,

    /// <summary>A hard-negative cue; value names its class (diplomacy, military, weather…).</summary>
    Negative,

    /// <summary>Voids the strike words of its own sentence (bans, talks, threats).</summary>
    SentenceNegation,

    /// <summary>Masks a military cue that is not about a target ("military administration").</summary>
    MilitaryNeutral,
    Fresh,

    /// <summary>Attribution lowering certainty; value "Likely" or "Possible".</summary>
    Claim,
    SpeechVerb,
    Direction,

    /// <summary>Customer-like units of an outage count; value is a multiplier ("100" for apartment buildings).</summary>
    OutageUnit,

    /// <summary>"the city of", "місто": the place that follows is a town named as a whole.</summary>
    CityNoun,

    /// <summary>"region", "області": the place before it is a region, not a town.</summary>
    RegionWord,

    /// <summary>"in", "в": the place after it is where an outage happened, not what was cut off ("в Ізмаїлі перебої").</summary>
    PlacePreposition,

    /// <summary>"restored to": the following count is no longer cut off.</summary>
    Restored,
    Since,
}
