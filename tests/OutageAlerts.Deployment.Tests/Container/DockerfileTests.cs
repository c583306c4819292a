namespace OutageAlerts.Deployment.Tests.Container;

public sealed class DockerfileTests
{
    private static readonly IReadOnlyList<DockerInstruction> Instructions = Dockerfile.Instructions(RepositoryFiles.Read("Dockerfile"));

    private static IEnumerable<DockerInstruction> FinalStage => Instructions.Where(i => i.Stage == Instructions.Max(x => x.Stage));

    [Fact]
    public void Stages_BuildWithSdk_RunOnAspNetRuntime()
    {
        var froms = Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();

        Assert.True(froms.Count >= 2, "multi-stage build");
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:", froms[0], StringComparison.Ordinal);
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:", froms[^1], StringComparison.Ordinal);
        Assert.Contains(FinalStage, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=build", StringComparison.Ordinal));
    }

    [Fact]
    public void FinalStage_User_IsNotRoot()
    {
        var users = FinalStage.Where(i => i.Keyword == "USER").ToList();

        Assert.NotEmpty(users);
        var user = users[^1].Arguments.Split(':')[0];
        Assert.DoesNotContain(user, new[] { "root", "0", "" });
        var lastUser = Instructions.ToList().LastIndexOf(users[^1]);
        Assert.DoesNotContain(Instructions.Skip(lastUser + 1), i => i.Keyword == "RUN");
    }

    [Fact]
    public void FinalStage_Healthcheck_ProbesTheHealthEndpointOnTheExposedPort()
    {
        var healthcheck = Assert.Single(FinalStage, i => i.Keyword == "HEALTHCHECK");
        var port = FinalStage.Single(i => i.Keyword == "EXPOSE").Arguments;

        Assert.Contains("/health/live", healthcheck.Arguments, StringComparison.Ordinal);
        Assert.Contains("CMD", healthcheck.Arguments, StringComparison.Ordinal);
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={port}", string.Join(' ', FinalStage.Where(i => i.Keyword == "ENV").Select(i => i.Arguments)), StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_WorkingDirectory_IsTheWritableDataVolume()
    {
        Assert.Equal("/data", FinalStage.Last(i => i.Keyword == "WORKDIR").Arguments);
        Assert.Contains(FinalStage, i => i.Keyword == "VOLUME" && i.Arguments.Contains("/data", StringComparison.Ordinal));
        Assert.Contains(FinalStage, i => i.Keyword == "RUN" && i.Arguments.Contains("chown", StringComparison.Ordinal) && i.Arguments.Contains("/data", StringComparison.Ordinal));
    }

    [Fact]
    public void FinalStage_Entrypoint_IsTheExecutableRunningAllRoles()
    {
        Assert.Equal("""["/app/outage-alerts"]""", FinalStage.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.Equal("""["run"]""", FinalStage.Single(i => i.Keyword == "CMD").Arguments);
    }

    [Fact]
    public void BuildStage_RestoreLayer_CopiesEverySourceProject()
    {
        var copies = string.Join('\n', Instructions.Where(i => i.Keyword == "COPY" && i.Stage == 0).Select(i => i.Arguments));
        var projects = Directory.EnumerateFiles(RepositoryFiles.PathTo("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryFiles.Root.FullName, p).Replace('\\', '/'))
            .ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project => Assert.Contains(project, copies, StringComparison.Ordinal));
        Assert.Contains("Directory.Packages.props", copies, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_BuildOutputAndLocalData_StayOutOfTheContext()
    {
        var patterns = RepositoryFiles.Read(".dockerignore").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(["**/bin/", "**/obj/", "data/", ".git/"]), patterns);
        Assert.DoesNotContain("src/", patterns);
        Assert.DoesNotContain(patterns, p => p.Contains("Data", StringComparison.Ordinal));
    }
}
