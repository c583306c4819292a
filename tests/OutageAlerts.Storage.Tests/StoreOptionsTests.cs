using Npgsql;

namespace OutageAlerts.Storage.Tests;

public sealed class StoreOptionsTests
{
    [Fact]
    public void WithPostgresDefaults_NoAutoPrepareSetting_PreparesTheDefaultNumberOfStatements()
    {
        var result = new NpgsqlConnectionStringBuilder(StoreOptions.WithPostgresDefaults("Host=db;Username=oa;Password=secret;Database=outage"));

        Assert.Equal(StoreOptions.DefaultMaxAutoPrepare, result.MaxAutoPrepare);
        Assert.Equal("db", result.Host);
        Assert.Equal("oa", result.Username);
        Assert.Equal("secret", result.Password);
        Assert.Equal("outage", result.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db; max auto prepare = 5", 5)]
    [InlineData("Max Auto Prepare=200;Host=db", 200)]
    public void WithPostgresDefaults_AutoPrepareSetByTheOperator_IsKept(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(StoreOptions.WithPostgresDefaults(connectionString)).MaxAutoPrepare);

    [Fact]
    public void WithPostgresDefaults_AutoPrepareOnlyInAPassword_StillGetsTheDefault()
    {
        // The key is looked for as a key, not anywhere in the text.
        var result = new NpgsqlConnectionStringBuilder(StoreOptions.WithPostgresDefaults("Host=db;Password='x;max auto prepare=1'"));

        Assert.Equal(StoreOptions.DefaultMaxAutoPrepare, result.MaxAutoPrepare);
    }
}
