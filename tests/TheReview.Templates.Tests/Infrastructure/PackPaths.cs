namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>Where things are in this repository, found from the test binaries upwards.</summary>
public static class PackPaths
{
    public static string Root { get; } = FindRoot();

    public static string TemplateDirectory => Path.Combine(Root, "content", "thereview-backend");

    /// <summary>The template's sourceName: the name its content uses, which instantiation replaces.</summary>
    public const string SourceName = "TheReview.Backend";

    public static string TemplateConfigDirectory => Path.Combine(TemplateDirectory, ".template.config");

    public static string SnapshotsDirectory => Path.Combine(Root, "tests", "TheReview.Templates.Tests", "Snapshots");

    public static string SchemasDirectory
    {
        get
        {
            var shared = Path.GetFullPath(Path.Combine(Root, "..", "shared", "schemas"));
            return Directory.Exists(shared) ? shared : Path.Combine(Root, "tests", "TheReview.Templates.Tests", "Fixtures", "schemas");
        }
    }

    /// <summary>A fresh directory under the system temp folder, removed by the caller (or by the OS).</summary>
    public static string NewTempDirectory(string purpose) =>
        Directory.CreateTempSubdirectory($"thereview-{purpose}-").FullName;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TheReview.Templates.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TheReview.Templates.csproj above {AppContext.BaseDirectory}.");
    }
}
