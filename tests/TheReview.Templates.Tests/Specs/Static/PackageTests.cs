using System.IO.Compression;
using System.Security.Cryptography;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The pack as users get it: a versioned nupkg with every file where the folder has it, generating exactly
/// what the repository folder generates. Every other spec runs on the nupkg's output (see <see cref="TemplateHive"/>).
/// </summary>
[Tier(Tier.Static)]
public sealed class PackageTests(TemplateHive hive)
{
    private static readonly string[] Dotfiles = [".gitignore", ".editorconfig", ".dockerignore", ".env.example", ".gitattributes", ".config/dotnet-tools.json"];

    [Fact]
    public void The_nupkg_holds_every_template_file_at_its_own_path_and_the_package_metadata()
    {
        using var archive = ZipFile.OpenRead(hive.PackagePath);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var templateFiles = Directory.EnumerateFiles(Path.Combine(PackPaths.Root, "content"), "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(PackPaths.Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj" or "TestResults"))
            .ToList();

        // A PackagePath without an extension is a folder to NuGet: Dockerfile and Makefile once landed in
        // content/thereview-backend/Dockerfile/thereview-backend/Dockerfile.
        var missing = templateFiles.Where(file => !entries.Contains(file)).ToList();
        var misplaced = entries.Where(e => e.StartsWith("content/", StringComparison.Ordinal) && !templateFiles.Contains(e)).ToList();
        Assert.True(missing.Count == 0, $"not in the nupkg at their own path: {string.Join(", ", missing)}");
        Assert.True(misplaced.Count == 0, $"in the nupkg at a path the folder does not have: {string.Join(", ", misplaced)}");
        Assert.All(Dotfiles, dotfile => Assert.Contains($"content/thereview-backend/{dotfile}", entries));
        Assert.Contains("icon.png", entries);
        Assert.Contains("README.md", entries);

        using var nuspecStream = archive.GetEntry("TheReview.Templates.nuspec")!.Open();
        var nuspec = System.Xml.Linq.XDocument.Load(nuspecStream).Root!.Elements().First();
        foreach (var field in new[] { "description", "tags", "icon", "readme", "license", "repository", "releaseNotes", "packageTypes" })
        {
            Assert.True(nuspec.Elements().Any(e => e.Name.LocalName == field), $"the nuspec has no {field}");
        }

        Assert.Contains("dotnet-new", nuspec.Elements().Single(e => e.Name.LocalName == "tags").Value, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task The_nupkg_generates_byte_for_byte_what_the_folder_generates(string id)
    {
        var scenario = Scenario.ById(id);
        var fromPackage = await hive.InstantiateAsync(scenario);
        var fromFolder = await hive.InstantiateFromFolderAsync(scenario);

        Assert.Equal(fromFolder.Files, fromPackage.Files);
        Assert.All(fromFolder.Files, file =>
        {
            Assert.True(Digest(fromFolder.PathOf(file)) == Digest(fromPackage.PathOf(file)), $"{file} differs between the folder and the nupkg");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(File.GetUnixFileMode(fromFolder.PathOf(file)), File.GetUnixFileMode(fromPackage.PathOf(file)));
            }
        });
        Assert.True(File.Exists(fromPackage.PathOf("Makefile")), "the nupkg's output has no Makefile file");
        Assert.True(File.Exists(fromPackage.PathOf("README.md")), "the nupkg's output has no README.md");
    }

    [Fact]
    public async Task The_repository_folder_installs_as_the_readme_says()
    {
        var folderHive = PackPaths.NewTempDirectory("folder-list-hive");

        (await Shell.DotNetAsync(["new", "install", ".", "--debug:custom-hive", folderHive], PackPaths.Root)).EnsureSuccess();
        var list = (await Shell.DotNetAsync(["new", "list", TemplateHive.ShortName, "--debug:custom-hive", folderHive])).EnsureSuccess();

        Assert.Contains(TemplateHive.ShortName, list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Backend", list.StandardOutput, StringComparison.Ordinal);
    }

    private static string Digest(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
