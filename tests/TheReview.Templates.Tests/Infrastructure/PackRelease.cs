using System.Security.Cryptography;
using System.Text;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// Other releases of the pack, made from a copy of this repository: another version, optionally with changes to the
/// template. They are packed into a folder that the generated scripts search through THEREVIEW_TEMPLATE_SOURCE, the
/// way a team's feed would serve them. Generated repositories here are git repositories, as a team's would be.
/// </summary>
public static class PackRelease
{
    private static readonly string[] PackFiles = ["TheReview.Templates.csproj", "README.md", "global.json"];

    private static readonly Dictionary<string, string?> GitIdentity = new()
    {
        ["GIT_AUTHOR_NAME"] = "Team",
        ["GIT_AUTHOR_EMAIL"] = "team@example.com",
        ["GIT_COMMITTER_NAME"] = "Team",
        ["GIT_COMMITTER_EMAIL"] = "team@example.com",
    };

    /// <summary>A copy of the template folders (build output left out), the project template with another pack version.</summary>
    public static string CopyTemplate(string version, string root)
    {
        foreach (var template in Directory.EnumerateDirectories(Path.Combine(PackPaths.Root, "content")))
        {
            foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(PackPaths.Root, file);
                if (!relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "TestResults"))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
                    File.Copy(file, Path.Combine(root, relative));
                }
            }
        }

        var copy = Path.Combine(root, "content", "thereview-backend");
        var manifest = Path.Combine(copy, ".template.config", "template.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(
            $"\"value\": \"{TemplateManifest.PackVersion}\"", $"\"value\": \"{version}\"", StringComparison.Ordinal));
        return copy;
    }

    /// <summary>Packs a copy of this repository as <paramref name="version"/>, after <paramref name="change"/> edits its template folder.</summary>
    public static async Task PackAsync(string feed, string version, Action<string>? change = null)
    {
        var root = PackPaths.NewTempDirectory($"release-{version}");
        foreach (var file in PackFiles)
        {
            File.Copy(Path.Combine(PackPaths.Root, file), Path.Combine(root, file));
        }

        var template = CopyTemplate(version, root);
        change?.Invoke(template);
        (await Shell.DotNetAsync(["pack", Path.Combine(root, "TheReview.Templates.csproj"), "-o", feed, "-nodeReuse:false"], root)).EnsureSuccess();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>Generates a repository with a release from the feed, installed into a hive of its own, and commits it.</summary>
    public static async Task<GeneratedRepository> GenerateAsync(string feed, string version, Scenario scenario)
    {
        var hive = PackPaths.NewTempDirectory("release-hive");
        (await Shell.DotNetAsync(["new", "install", Path.Combine(feed, $"TheReview.Templates.{version}.nupkg"), "--debug:custom-hive", hive])).EnsureSuccess();
        var directory = Path.Combine(PackPaths.NewTempDirectory("upgrade"), scenario.Name);
        var result = (await Shell.DotNetAsync(["new", TemplateHive.ShortName, "-n", scenario.Name, "-o", directory, "--skip-restore",
            .. scenario.Options, "--debug:custom-hive", hive])).EnsureSuccess();
        var repository = new GeneratedRepository(directory, scenario, result.StandardOutput);
        (await GitAsync(repository, "init", "--quiet")).EnsureSuccess();
        await CommitAsync(repository, "Generated");
        return repository;
    }

    public static Task<CommandResult> GitAsync(GeneratedRepository repository, params string[] arguments) =>
        Shell.RunAsync(Tools.Git, arguments, repository.Directory, GitIdentity);

    /// <summary>Commits everything, as a team does before it upgrades.</summary>
    public static async Task CommitAsync(GeneratedRepository repository, string message)
    {
        (await GitAsync(repository, "add", "--all")).EnsureSuccess();
        (await GitAsync(repository, "commit", "--quiet", "--allow-empty", "-m", message)).EnsureSuccess();
    }

    /// <summary><c>make template-upgrade</c> with the given variables, searching <paramref name="feed"/> besides the configured feeds.</summary>
    public static Task<CommandResult> MakeAsync(GeneratedRepository repository, string feed, string target, params string[] variables) =>
        Shell.RunAsync(Tools.Make, ["--no-print-directory", target, .. variables], repository.Directory,
            new Dictionary<string, string?> { ["THEREVIEW_TEMPLATE_SOURCE"] = feed }, TimeSpan.FromMinutes(4));

    /// <summary>One digest of every path, mode and content of the working tree, to prove that nothing changed.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string Checksum(GeneratedRepository repository)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var gitFolder = Path.Combine(repository.Directory, ".git") + Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(repository.Directory, "*", SearchOption.AllDirectories)
            .Where(file => !file.StartsWith(gitFolder, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetRelativePath(repository.Directory, file)}\n{File.GetUnixFileMode(file)}\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
