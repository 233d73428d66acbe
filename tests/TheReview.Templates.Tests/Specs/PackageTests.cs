using System.IO.Compression;

namespace TheReview.Templates.Tests.Specs;

/// <summary>The pack as users get it: a versioned nupkg with every dotfile, and the repository folder itself.</summary>
[Collection(SerialBuilds.Name)]
public sealed class PackageTests
{
    private static readonly string[] Dotfiles = [".gitignore", ".editorconfig", ".dockerignore", ".env.example", ".gitattributes", ".config/dotnet-tools.json"];

    [Fact]
    public async Task Pack_yields_a_versioned_nupkg_that_carries_every_dotfile_and_installs()
    {
        var output = PackPaths.NewTempDirectory("pack");
        (await Shell.DotNetAsync(["pack", Path.Combine(PackPaths.Root, "TheReview.Templates.csproj"), "-o", output, "-nodeReuse:false"], PackPaths.Root)).EnsureSuccess();

        var package = Path.Combine(output, $"TheReview.Templates.{TemplateManifest.PackVersion}.nupkg");
        Assert.True(File.Exists(package), $"{package} was not produced");
        using (var archive = ZipFile.OpenRead(package))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.All(Dotfiles, dotfile => Assert.Contains($"content/thereview-backend/{dotfile}", entries));
            Assert.Contains("content/thereview-backend/.template.config/template.json", entries);
            Assert.Contains("icon.png", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
            using var nuspecStream = archive.GetEntry("TheReview.Templates.nuspec")!.Open();
            var nuspec = System.Xml.Linq.XDocument.Load(nuspecStream).Root!.Elements().First();
            foreach (var field in new[] { "description", "tags", "icon", "readme", "license", "repository", "releaseNotes", "packageTypes" })
            {
                Assert.True(nuspec.Elements().Any(e => e.Name.LocalName == field), $"the nuspec has no {field}");
            }

            Assert.Contains("dotnet-new", nuspec.Elements().Single(e => e.Name.LocalName == "tags").Value, StringComparison.Ordinal);
        }

        var hive = PackPaths.NewTempDirectory("nupkg-hive");
        (await Shell.DotNetAsync(["new", "install", package, "--debug:custom-hive", hive])).EnsureSuccess();
        var generated = Path.Combine(PackPaths.NewTempDirectory("nupkg-out"), "Orders");
        (await Shell.DotNetAsync(["new", TemplateHive.ShortName, "-n", "Orders", "-o", generated, "--skip-restore", "--debug:custom-hive", hive])).EnsureSuccess();

        Assert.All(Dotfiles, dotfile => Assert.True(File.Exists(Path.Combine(generated, dotfile)), $"{dotfile} is missing"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(generated, "docker-entrypoint.sh")).HasFlag(UnixFileMode.UserExecute));
        }
    }

    [Fact]
    public async Task The_repository_folder_installs_as_the_readme_says()
    {
        var hive = PackPaths.NewTempDirectory("folder-hive");

        (await Shell.DotNetAsync(["new", "install", ".", "--debug:custom-hive", hive], PackPaths.Root)).EnsureSuccess();
        var list = (await Shell.DotNetAsync(["new", "list", TemplateHive.ShortName, "--debug:custom-hive", hive])).EnsureSuccess();

        Assert.Contains(TemplateHive.ShortName, list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Backend", list.StandardOutput, StringComparison.Ordinal);
    }
}
