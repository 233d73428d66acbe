using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// Approved snapshots of generated repositories: <c>Snapshots/&lt;scenario&gt;/&lt;path&gt;.verified</c>.
/// A mismatch writes the whole received tree to <c>Snapshots/&lt;scenario&gt;.received/</c> and fails with a
/// unified diff. Approving is explicit: run the tests with THEREVIEW_APPROVE_SNAPSHOTS=true.
/// </summary>
public static partial class Snapshot
{
    public const string ApproveVariable = "THEREVIEW_APPROVE_SNAPSHOTS";
    private const string Suffix = ".verified";

    public static void Verify(GeneratedRepository repository)
    {
        var received = repository.Files.ToDictionary(path => path, path => Scrub(repository.Read(path)), StringComparer.Ordinal);
        var approvedDirectory = Path.Combine(PackPaths.SnapshotsDirectory, repository.Scenario.Id);
        var receivedDirectory = approvedDirectory + ".received";
        var approved = Load(approvedDirectory);

        var report = Compare(approved, received);
        if (report.Length == 0)
        {
            DeleteIfPresent(receivedDirectory);
            return;
        }

        var approving = string.Equals(Environment.GetEnvironmentVariable(ApproveVariable), "true", StringComparison.OrdinalIgnoreCase);
        Write(approving ? approvedDirectory : receivedDirectory, received);
        if (!approving)
        {
            Assert.Fail(
                $"Scenario '{repository.Scenario.Id}' differs from its approved snapshot.\n" +
                $"Received tree: {receivedDirectory}\nApprove with {ApproveVariable}=true once the change is intended.\n\n{report}");
        }
    }

    /// <summary>Replaces values that change between runs or releases with stable placeholders.</summary>
    public static string Scrub(string content)
    {
        content = PackVersion().Replace(content, "\"packVersion\": \"{pack-version}\"");
        return content.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string Compare(Dictionary<string, string> approved, Dictionary<string, string> received)
    {
        var report = new StringBuilder();
        foreach (var path in approved.Keys.Except(received.Keys).Order(StringComparer.Ordinal))
        {
            report.AppendLine($"- missing file: {path}");
        }

        foreach (var path in received.Keys.Except(approved.Keys).Order(StringComparer.Ordinal))
        {
            report.AppendLine($"+ new file: {path}");
        }

        foreach (var path in received.Keys.Intersect(approved.Keys).Order(StringComparer.Ordinal))
        {
            if (approved[path] != received[path])
            {
                report.AppendLine($"~ changed: {path}").AppendLine(UnifiedDiff(approved[path], received[path]));
            }
        }

        return report.ToString();
    }

    private static string UnifiedDiff(string approved, string received)
    {
        var diff = InlineDiffBuilder.Diff(approved, received);
        var lines = diff.Lines.ToList();
        var output = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var nearChange = lines.Skip(Math.Max(0, i - 2)).Take(5).Any(l => l.Type != ChangeType.Unchanged);
            if (!nearChange)
            {
                continue;
            }

            var marker = lines[i].Type switch
            {
                ChangeType.Inserted => '+',
                ChangeType.Deleted => '-',
                _ => ' ',
            };
            output.AppendLine($"  {i + 1,5} {marker} {lines[i].Text}");
        }

        return output.ToString();
    }

    private static Dictionary<string, string> Load(string directory) =>
        !Directory.Exists(directory)
            ? []
            : Directory.EnumerateFiles(directory, "*" + Suffix, SearchOption.AllDirectories).ToDictionary(
                path => Path.GetRelativePath(directory, path)[..^Suffix.Length].Replace('\\', '/'),
                path => File.ReadAllText(path),
                StringComparer.Ordinal);

    private static void Write(string directory, Dictionary<string, string> files)
    {
        DeleteIfPresent(directory);
        foreach (var (path, content) in files)
        {
            var target = Path.Combine(directory, path + Suffix);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }
    }

    private static void DeleteIfPresent(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex("\"packVersion\": \"[^\"]+\"")]
    private static partial Regex PackVersion();
}
