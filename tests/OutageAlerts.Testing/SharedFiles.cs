namespace OutageAlerts.Testing;

/// <summary>Finds the read-only peer corpora in <c>../shared/</c> beside the repository.</summary>
public static class SharedFiles
{
    /// <summary>The <c>shared</c> folder beside the repository, or null when this checkout has none.</summary>
    public static DirectoryInfo? Root { get; } = Find();

    public static string? PathTo(string relative) =>
        Root is null ? null : System.IO.Path.Combine(Root.FullName, relative);

    private static DirectoryInfo? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = new DirectoryInfo(System.IO.Path.Combine(dir.FullName, "shared"));
            if (candidate.Exists && Directory.Exists(System.IO.Path.Combine(candidate.FullName, "conformance")))
            {
                return candidate;
            }
        }

        return null;
    }
}
