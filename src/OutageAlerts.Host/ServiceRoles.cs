namespace OutageAlerts.Host;

/// <summary>What one process does; <c>run --role</c> picks it. Scale-out runs the two roles as separate processes.</summary>
[Flags]
public enum ServiceRoles
{
    Ingestion = 1,
    Delivery = 2,
    All = Ingestion | Delivery,
}
