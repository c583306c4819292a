using System.Text.Json.Serialization;

namespace OutageAlerts.Contracts;

/// <summary>CAP 1.2 severity, plus <see cref="None"/> for reports that are not alerts.</summary>
/// <remarks>Ordered so that a larger value is more severe, which lets filters compare with &gt;=.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    None = 0,
    Unknown = 1,
    Minor = 2,
    Moderate = 3,
    Severe = 4,
    Extreme = 5,
}

/// <summary>CAP 1.2 urgency.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Urgency>))]
public enum Urgency
{
    Unknown = 0,
    Past = 1,
    Future = 2,
    Expected = 3,
    Immediate = 4,
}

/// <summary>CAP 1.2 certainty.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Certainty>))]
public enum Certainty
{
    Unknown = 0,
    Unlikely = 1,
    Possible = 2,
    Likely = 3,
    Observed = 4,
}

/// <summary>CAP 1.2 message type of one alert version.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MsgType>))]
public enum MsgType
{
    Alert = 0,
    Update = 1,
    Cancel = 2,
}
