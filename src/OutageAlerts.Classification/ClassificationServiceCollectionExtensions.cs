using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutageAlerts.Classification.Scoring;

namespace OutageAlerts.Classification;

public static class ClassificationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IStrikeClassifier"/> as a singleton with options bound from
    /// <c>OutageAlerts:Classification</c> and <c>OutageAlerts:Classification:Severity</c>.
    /// </summary>
    public static IServiceCollection AddClassification(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ClassificationOptions>()
            .Bind(configuration.GetSection(ClassificationOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.DataDirectory) || Directory.Exists(o.DataDirectory),
                $"{ClassificationOptions.SectionName}:DataDirectory must name an existing folder.")
            .ValidateOnStart();
        services.AddOptions<SeverityOptions>()
            .Bind(configuration.GetSection(SeverityOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.SevereOutageCustomers < o.ExtremeOutageCustomers,
                $"{SeverityOptions.SectionName}:SevereOutageCustomers must be below ExtremeOutageCustomers.")
            .ValidateOnStart();
        services.TryAddSingleton<StrikeClassifier>();
        services.TryAddSingleton<IStrikeClassifier>(sp => sp.GetRequiredService<StrikeClassifier>());
        return services;
    }
}
