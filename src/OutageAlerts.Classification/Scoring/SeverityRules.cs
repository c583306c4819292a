using OutageAlerts.Contracts;

namespace OutageAlerts.Classification.Scoring;

/// <summary>
/// The CAP severity rules of the eval README: the highest level any criterion reaches wins, and every
/// criterion that fired is reported ("12 killed → Extreme").
/// </summary>
internal sealed class SeverityRules(SeverityOptions options)
{
    private static readonly string[] UtilityTargets = ["power_grid", "heating", "water", "gas"];
    private static readonly string[] CareTargets = ["medical", "education"];

    public Severity Evaluate(SeverityInput input, List<string> reasons)
    {
        var c = input.Casualties;
        var o = input.Outage;
        var level = Severity.Minor;
        string? why = null;

        void Raise(Severity to, string reason)
        {
            if (to > level)
            {
                level = to;
                why = reason;
            }
        }

        // Extreme
        if (c.Killed >= options.ExtremeKilled)
        {
            Raise(Severity.Extreme, $"{c.Killed} killed → Extreme");
        }

        if (o.Present && (o.Nationwide || o.MultiRegion || input.OutageRegionCount >= options.MultiRegionOutageRegions))
        {
            Raise(Severity.Extreme, "outages across several regions → Extreme");
        }

        if (o.Present && o.RegionWide)
        {
            Raise(Severity.Extreme, "region-wide outage → Extreme");
        }

        if (o.CustomerEquivalent >= options.ExtremeOutageCustomers)
        {
            Raise(Severity.Extreme, $"{o.CustomerEquivalent:N0} cut off → Extreme");
        }

        if (o.Present && input.BigCityAnchor && (o.WholeCity || o.HalfOfCity))
        {
            Raise(Severity.Extreme, "blackout of a major city → Extreme");
        }

        if (input.NuclearSupplyAffected)
        {
            Raise(Severity.Extreme, "nuclear plant's power supply affected → Extreme");
        }

        // Severe
        if (c.Killed is > 0)
        {
            Raise(Severity.Severe, $"{c.Killed} killed → Severe");
        }
        else if (c.KilledUncounted || c.KilledMany)
        {
            Raise(Severity.Severe, "deaths reported → Severe");
        }

        if (c.Injured >= options.SevereInjured)
        {
            Raise(Severity.Severe, $"{c.Injured} injured → Severe");
        }
        else if (c.InjuredMany)
        {
            Raise(Severity.Severe, "dozens injured → Severe");
        }

        var utility = input.EnergyTargetHit || o.Services.Any(s => UtilityTargets.Contains(s));
        if (o.Present && utility)
        {
            if (o.CustomerEquivalent >= options.SevereOutageCustomers)
            {
                Raise(Severity.Severe, $"{o.CustomerEquivalent:N0} cut off → Severe");
            }

            if (o.WholeCity || o.WholeDistrict)
            {
                Raise(Severity.Severe, "a whole city or district cut off → Severe");
            }
        }

        var care = input.Targets.Where(t => CareTargets.Contains(t)).ToList();
        if (care.Count > 0 && c.AnyCasualties)
        {
            Raise(Severity.Severe, $"{string.Join(", ", care)} site hit with casualties → Severe");
        }

        // Moderate
        if (c.Injured is > 0)
        {
            Raise(Severity.Moderate, $"{c.Injured} injured → Moderate");
        }
        else if (c.InjuredUncounted)
        {
            Raise(Severity.Moderate, "casualties reported, not counted → Moderate");
        }

        if (o.Present && !o.SupplyUnaffected)
        {
            Raise(Severity.Moderate, o.Local ? "local outage → Moderate" : "outage of unknown size → Moderate");
        }

        if (input.EnergyTargetHit && !o.SupplyUnaffected)
        {
            Raise(Severity.Moderate, "energy facility hit → Moderate");
        }

        reasons.Add(why ?? "damage without casualties or outage → Minor");
        return level;
    }
}
