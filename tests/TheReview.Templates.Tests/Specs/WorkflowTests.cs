using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TheReview.Templates.Tests.Specs;

/// <summary>
/// GitHub workflows of the pack and of generated repositories, checked with explicit rules (actionlint is
/// not available here): they parse, every action is pinned, every <c>needs</c> names a job, and every
/// <c>make</c> call names a target of the repository's Makefile.
/// </summary>
public sealed partial class WorkflowTests(TemplateHive hive)
{
    public static TheoryData<string> WorkflowScenarios => ["default", "no-datastores", "setup-dev", "setup-prod"];

    [Fact]
    public void The_packs_workflow_follows_the_rules()
    {
        var workflow = Path.Combine(PackPaths.Root, ".github", "workflows", "ci.yml");

        var problems = Check(File.ReadAllText(workflow), makeTargets: null);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains("tests/run", File.ReadAllText(workflow), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(PackPaths.Root, ".github", "dependabot.yml")));
    }

    [Theory]
    [MemberData(nameof(WorkflowScenarios))]
    public async Task A_generated_workflow_follows_the_rules(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var targets = await ContainerArtifactTests.MakeTargetsAsync(repository);

        var problems = Check(repository.Read(".github/workflows/ci.yml"), targets.Keys.ToHashSet(StringComparer.Ordinal));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(Scenario.ById(scenario).HasProdStack, repository.Read(".github/workflows/ci.yml").Contains("deploy:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rules_catch_unpinned_actions_unknown_needs_and_unknown_make_targets()
    {
        const string Broken = "jobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@main\n      - run: make nothing\n  b:\n    needs: [c]\n    runs-on: x\n    steps:\n      - run: echo\n";

        var problems = Check(Broken, new HashSet<string>(StringComparer.Ordinal) { "build" });

        Assert.Equal(3, problems.Count);
    }

    private static List<string> Check(string yaml, HashSet<string>? makeTargets)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var jobs = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["jobs"];
        var names = jobs.Children.Keys.Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, node) in jobs.Children)
        {
            var job = (YamlMappingNode)node;
            if (job.Children.TryGetValue("needs", out var needs))
            {
                var needed = needs is YamlSequenceNode list ? list.Children.Select(n => n.ToString()) : [needs.ToString()];
                problems.AddRange(needed.Where(n => !names.Contains(n)).Select(n => $"{name}: needs unknown job {n}"));
            }

            foreach (YamlMappingNode step in (YamlSequenceNode)job["steps"])
            {
                if (step.Children.TryGetValue("uses", out var uses) && !PinnedAction().IsMatch(uses.ToString()))
                {
                    problems.Add($"{name}: {uses} is not pinned to a version or a commit");
                }

                if (makeTargets is not null && step.Children.TryGetValue("run", out var run))
                {
                    problems.AddRange(MakeCall().Matches(run.ToString()).Select(m => m.Groups["target"].Value)
                        .Where(target => !makeTargets.Contains(target))
                        .Select(target => $"{name}: make {target} is not a target of the Makefile"));
                }
            }
        }

        return problems;
    }

    [GeneratedRegex(@"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|\d+\.\d+\.\d+|[0-9a-f]{40})$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"\bmake\s+(?<target>[a-z][a-z0-9-]*)")]
    private static partial Regex MakeCall();
}
