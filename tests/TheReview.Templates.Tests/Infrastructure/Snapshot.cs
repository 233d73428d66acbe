using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using DiffPlex.Renderer;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// Approved snapshots: <c>Snapshots/&lt;name&gt;/&lt;entry&gt;.verified</c>. A snapshot is a set of named texts:
/// the files of a generated repository, or a scenario's file list and its differences from the default
/// repository, or what <c>dotnet new</c> printed. A mismatch writes what was received to
/// <c>Snapshots/&lt;name&gt;.received/</c> and fails with a diff. Approving is explicit: run the tests with
/// THEREVIEW_APPROVE_SNAPSHOTS=true.
/// </summary>
public static partial class Snapshot
{
    public const string ApproveVariable = "THEREVIEW_APPROVE_SNAPSHOTS";
    public const string FileList = "files.txt";
    public const string Differences = "changes-from-default.diff";
    private const string Suffix = ".verified";

    /// <summary>Whether this run approves what it receives (THEREVIEW_APPROVE_SNAPSHOTS=true).</summary>
    public static bool Approving =>
        string.Equals(Environment.GetEnvironmentVariable(ApproveVariable), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every file of the repository, whole.</summary>
    public static void VerifyTree(string name, GeneratedRepository repository) =>
        Verify(name, Contents(repository));

    /// <summary>
    /// The repository's file list, and a unified diff of what differs from the baseline (the default
    /// scenario, generated in the same run), so a change to the template shows once, in the baseline.
    /// </summary>
    public static void VerifyDifferences(string name, GeneratedRepository repository, GeneratedRepository baseline)
    {
        var files = Contents(repository);
        Verify(name, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FileList] = string.Concat(files.Keys.Select(path => path + "\n")),
            [Differences] = UnifiedDiff(Contents(baseline), files),
        });
    }

    /// <summary>Named texts as a snapshot of their own.</summary>
    public static void Verify(string name, IReadOnlyDictionary<string, string> received)
    {
        var approvedDirectory = Path.Combine(PackPaths.SnapshotsDirectory, name);
        var receivedDirectory = approvedDirectory + ".received";
        var report = Compare(Load(approvedDirectory), received);
        if (report.Length == 0)
        {
            DeleteIfPresent(receivedDirectory);
            return;
        }

        Write(Approving ? approvedDirectory : receivedDirectory, received);
        if (!Approving)
        {
            Assert.Fail(
                $"Snapshot '{name}' differs from the approved one.\n" +
                $"Received: {receivedDirectory}\nApprove with {ApproveVariable}=true once the change is intended.\n\n{report}");
        }
    }

    /// <summary>Replaces values that change between runs or releases with stable placeholders.</summary>
    public static string Scrub(string content)
    {
        content = PackVersion().Replace(content, "\"packVersion\": \"{pack-version}\"");
        return content.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static SortedDictionary<string, string> Contents(GeneratedRepository repository) =>
        new(repository.Files.ToDictionary(path => path, path => Scrub(repository.Read(path)), StringComparer.Ordinal), StringComparer.Ordinal);

    private static string UnifiedDiff(IDictionary<string, string> baseline, IDictionary<string, string> files)
    {
        var diff = new StringBuilder();
        foreach (var path in baseline.Keys.Union(files.Keys).Order(StringComparer.Ordinal))
        {
            var (before, after) = (baseline.TryGetValue(path, out var b) ? b : null, files.TryGetValue(path, out var a) ? a : null);
            if (before == after)
            {
                continue;
            }

            if (after is null)
            {
                // A file left out needs no content to review; the file list shows it too.
                diff.Append("--- a/").Append(path).Append("\n+++ /dev/null\n");
                continue;
            }

            diff.Append(UnidiffRenderer.GenerateUnidiff(
                before ?? string.Empty, after, before is null ? "/dev/null" : $"a/{path}", $"b/{path}", ignoreWhitespace: false, ignoreCase: false, contextLines: 3));
        }

        return diff.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string Compare(Dictionary<string, string> approved, IReadOnlyDictionary<string, string> received)
    {
        var report = new StringBuilder();
        foreach (var path in approved.Keys.Except(received.Keys).Order(StringComparer.Ordinal))
        {
            report.AppendLine($"- missing: {path}");
        }

        foreach (var path in received.Keys.Except(approved.Keys).Order(StringComparer.Ordinal))
        {
            report.AppendLine($"+ new: {path}");
        }

        foreach (var path in received.Keys.Intersect(approved.Keys).Order(StringComparer.Ordinal))
        {
            if (approved[path] != received[path])
            {
                report.AppendLine($"~ changed: {path}").AppendLine(ChangedLines(approved[path], received[path]));
            }
        }

        return report.ToString();
    }

    private static string ChangedLines(string approved, string received)
    {
        var lines = InlineDiffBuilder.Diff(approved, received).Lines.ToList();
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

    private static void Write(string directory, IReadOnlyDictionary<string, string> files)
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
