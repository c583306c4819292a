using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OutageAlerts.Storage;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IStore"/> from <c>OutageAlerts:Store</c> and <c>ConnectionStrings:OutageAlerts</c>.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>()
            .Bind(configuration.GetSection(StoreOptions.SectionName))
            .Configure(o => o.ConnectionString ??= configuration.GetConnectionString(StoreOptions.ConnectionStringName))
            .ValidateDataAnnotations()
            .Validate(
                o => o.Provider != StoreProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                $"ConnectionStrings:{StoreOptions.ConnectionStringName} is required when {StoreOptions.SectionName}:Provider is Postgres.")
            .ValidateOnStart();
        services.AddSingleton<Store>();
        services.AddSingleton<IStore>(sp => sp.GetRequiredService<Store>());
        return services;
    }

    /// <summary>Adds a schema change owned by the calling area; see <see cref="StoreMigration"/>.</summary>
    public static IServiceCollection AddStoreMigration(this IServiceCollection services, string id, string sql, string? postgresSql = null)
    {
        services.AddSingleton(new StoreMigration(id, sql, postgresSql));
        return services;
    }
}
