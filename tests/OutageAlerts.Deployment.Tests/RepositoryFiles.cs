namespace OutageAlerts.Deployment.Tests;

/// <summary>Finds files of the checkout the tests run from: the repository root is the folder with OutageAlerts.sln.</summary>
internal static class RepositoryFiles
{
    public static DirectoryInfo Root { get; } = FindRoot();

    public static string PathTo(params string[] relative) => Path.Combine([Root.FullName, .. relative]);

    public static string Read(params string[] relative) => File.ReadAllText(PathTo(relative));

    /// <summary>Files under a folder, as paths relative to the repository root with forward slashes.</summary>
    public static IReadOnlyList<string> Under(string folder, params string[] extensions) =>
        [.. Directory.EnumerateFiles(PathTo(folder), "*", SearchOption.AllDirectories)
            .Where(path => extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Select(path => Path.GetRelativePath(Root.FullName, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    private static DirectoryInfo FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OutageAlerts.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException($"No OutageAlerts.sln above {AppContext.BaseDirectory}.");
    }
}
