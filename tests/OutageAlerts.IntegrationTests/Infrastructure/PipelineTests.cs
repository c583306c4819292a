namespace OutageAlerts.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that start the whole service run one at a time: each hosts Quartz, MassTransit and Kestrel, and on
/// two cores running them side by side only makes each slower and less predictable.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PipelineTests
{
    public const string Name = "pipeline";
}
