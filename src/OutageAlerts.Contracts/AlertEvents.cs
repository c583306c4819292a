namespace OutageAlerts.Contracts;

// MassTransit routes by full type name: these names and this namespace are part of the wire contract.

/// <summary>An incident was seen for the first time (CAP msgType <c>Alert</c>, version 1).</summary>
public sealed record AlertRaised(Alert Alert);

/// <summary>An incident changed materially (CAP msgType <c>Update</c>).</summary>
public sealed record AlertUpdated(Alert Alert);

/// <summary>An operator withdrew an alert (CAP msgType <c>Cancel</c>).</summary>
public sealed record AlertCancelled(Alert Alert, string Reason);
