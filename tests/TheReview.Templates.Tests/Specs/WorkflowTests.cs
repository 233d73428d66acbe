using System.Text.Json;
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
    public async Task The_gitlab_example_is_generated_on_request_parses_and_calls_only_existing_make_targets()
    {
        var repository = await hive.InstantiateAsync(Scenario.GitLabCi);
        var targets = await ContainerArtifactTests.MakeTargetsAsync(repository);
        var pipeline = repository.Read(".gitlab-ci.yml");

        var stream = new YamlStream();
        stream.Load(new StringReader(pipeline));
        var stages = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["stages"];
        Assert.Equal(["test", "image", "deploy"], stages.Children.Select(s => s.ToString()));
        Assert.All(MakeCall().Matches(pipeline).Select(m => m.Groups["target"].Value), target => Assert.Contains(target, targets.Keys));
        Assert.False((await hive.InstantiateAsync(Scenario.Default)).Exists(".gitlab-ci.yml"), "the GitLab example is off by default");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("setup-dev")]
    [InlineData("no-datastores")]
    public async Task The_dev_container_names_the_development_stack_and_its_services(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        using var devcontainer = JsonDocument.Parse(repository.Read(".devcontainer/devcontainer.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = devcontainer.RootElement;

        var compose = root.GetProperty("dockerComposeFile").EnumerateArray().Select(f => Path.GetFullPath(Path.Combine(repository.PathOf(".devcontainer"), f.GetString()!))).Single();
        Assert.True(File.Exists(compose), $"{compose} does not exist");
        var services = (YamlMappingNode)((YamlMappingNode)LoadYaml(File.ReadAllText(compose)))["services"];
        Assert.Contains(new YamlScalarNode(root.GetProperty("service").GetString()), services.Children.Keys);
        Assert.All(root.GetProperty("runServices").EnumerateArray(), s => Assert.Contains(new YamlScalarNode(s.GetString()), services.Children.Keys));
        Assert.Contains("docker-outside-of-docker", root.GetProperty("features").GetRawText(), StringComparison.Ordinal);
        Assert.False((await hive.InstantiateAsync(Scenario.ProdSetup)).Exists(".devcontainer"), "no dev container without the development stack");
    }

    private static YamlNode LoadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
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

    [GeneratedRegex(@"\bmake[ \t]+(?<target>[a-z][a-z0-9-]*)")]
    private static partial Regex MakeCall();
}
