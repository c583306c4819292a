namespace OutageAlerts.Classification.Figures;

/// <summary>Killed and injured as the report states them, plus what severity needs when no figure is given.</summary>
internal sealed record CasualtyFigures
{
    public int? Killed { get; init; }

    public int? Injured { get; init; }

    /// <summary>Deaths are mentioned without a count.</summary>
    public bool KilledUncounted { get; init; }

    /// <summary>Injuries or casualties are mentioned without a count ("є травмовані").</summary>
    public bool InjuredUncounted { get; init; }

    /// <summary>"dozens injured": no figure, but at least ten for severity.</summary>
    public bool InjuredMany { get; init; }

    public bool KilledMany { get; init; }

    public IReadOnlyList<string> Reasons { get; init; } = [];

    public IReadOnlySet<int> ClaimedNumberTokens { get; init; } = new HashSet<int>();

    public bool AnyCasualties => Killed > 0 || Injured > 0 || KilledUncounted || InjuredUncounted || InjuredMany || KilledMany;
}
