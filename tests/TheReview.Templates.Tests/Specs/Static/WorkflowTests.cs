using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// GitHub workflows of the pack and of generated repositories, checked with explicit rules (actionlint is
/// not among the tools .ci/run installs): they parse, every action is pinned, every <c>needs</c> names a job, and every
/// <c>make</c> call names a target of the repository's Makefile.
/// </summary>
[Tier(Tier.Static)]
public sealed partial class WorkflowTests(TemplateHive hive)
{
    public static TheoryData<string> WorkflowScenarios => ["default", "no-datastores", "setup-dev", "setup-prod"];

    [Fact]
    public void The_packs_workflow_follows_the_rules()
    {
        var workflow = Path.Combine(PackPaths.Root, ".github", "workflows", "ci.yml");

        var action = Path.Combine(PackPaths.Root, ".github", "actions", "test-tier", "action.yml");

        var problems = Check(File.ReadAllText(workflow), makeTargets: null, PackPaths.Root);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.All(((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)LoadYaml(File.ReadAllText(action)))["runs"])["steps"]).Children.Cast<YamlMappingNode>(),
            step => Assert.True(!step.Children.TryGetValue("uses", out var uses) || PinnedAction().IsMatch(uses.ToString()), $"{action}: {step}"));
        Assert.True(File.Exists(Path.Combine(PackPaths.Root, ".github", "dependabot.yml")));
    }

    /// <summary>
    /// The image scan's list, made by the job's own script from the shipped .env.example, as the job does: every
    /// image the stacks run (each *_IMAGE of .env.example but the build's base images and the API's own) is in it.
    /// A compose file that cannot be read fails the script, so a scan never passes by leaving a file out.
    /// </summary>
    [Fact]
    public async Task The_image_scan_lists_every_image_of_both_stacks_and_fails_when_a_file_cannot_be_read()
    {
        await Tools.DockerComposeAsync();
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        File.Copy(repository.PathOf(".env.example"), repository.PathOf(".env"));
        Assert.Contains("scripts/stack-images.sh", repository.Read(".github/workflows/ci.yml"), StringComparison.Ordinal);
        var expected = repository.Read(".env.example").Split('\n')
            .Select(line => ImageSetting().Match(line))
            .Where(match => match.Success && match.Groups["name"].Value is not ("SDK" or "RUNTIME" or "API"))
            .Select(match => match.Groups["image"].Value.Trim())
            .ToList();

        var listed = (await Shell.RunAsync(repository.PathOf("scripts/stack-images.sh"), [], repository.Directory)).EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await File.AppendAllTextAsync(repository.PathOf("docker-compose.prod.yml"), "\nservices: [\n");
        var broken = await Shell.RunAsync(repository.PathOf("scripts/stack-images.sh"), [], repository.Directory);

        Assert.True(expected.Count >= 10, $"only {expected.Count} images in .env.example");
        Assert.Empty(expected.Except(listed));
        Assert.NotEqual(0, broken.ExitCode);
        Figures.Report($"image scan list: {listed.Length} images, every one of the {expected.Count} the stacks run; a broken docker-compose.prod.yml fails it (exit {broken.ExitCode})");
    }

    [Theory]
    [MemberData(nameof(WorkflowScenarios))]
    public async Task A_generated_workflow_follows_the_rules(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));
        var targets = await repository.MakeTargetsAsync();

        var problems = Check(repository.Read(".github/workflows/ci.yml"), targets.Keys.ToHashSet(StringComparer.Ordinal));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(Scenario.ById(scenario).HasProdStack, repository.Read(".github/workflows/ci.yml").Contains("deploy:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_gitlab_example_is_generated_on_request_parses_and_calls_only_existing_make_targets()
    {
        var repository = await hive.InstantiateAsync(Scenario.GitLabCi);
        var targets = await repository.MakeTargetsAsync();
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

    /// <summary>
    /// The supply side of the generated stack: every image the compose files run is pinned to a full version
    /// (the same in the compose defaults and .env.example), the CI scans every one of them, Dependabot follows
    /// the compose files, a fresh repository without a REGISTRY variable neither builds an invalid tag nor
    /// pushes, and the deploy hands registry credentials to the nodes.
    /// </summary>
    [Fact]
    public async Task Every_stack_image_is_pinned_scanned_and_kept_current_and_a_fresh_repository_can_run_its_ci()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var images = repository.Read(".env.example").Split('\n')
            .Select(line => line.Split('=', 2)).Where(p => p.Length == 2 && p[0].EndsWith("_IMAGE", StringComparison.Ordinal) && p[0] is not ("SDK_IMAGE" or "RUNTIME_IMAGE" or "API_IMAGE"))
            .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        Assert.True(images.Count >= 11, $"{images.Count} images in .env.example");
        // PostgreSQL (17.12) and pgAdmin (9.5) releases carry two numbers; every other image has three to pin.
        Assert.All(images, image => Assert.Matches(image.Key is "POSTGRES_IMAGE" or "PGADMIN_IMAGE" ? @":\d+\.\d+(-[a-z]+)?$" : @":v?\d+\.\d+\.\d+", image.Value));
        var compose = repository.Read("docker-compose.yml") + repository.Read("docker-compose.prod.yml");
        Assert.All(images, image => Assert.Contains($"${{{image.Key}:-{image.Value}}}", compose, StringComparison.Ordinal));

        var workflow = repository.Read(".github/workflows/ci.yml");
        // The image list itself is scripts/stack-images.sh's (its own spec runs it).
        Assert.Contains("images=$(scripts/stack-images.sh)", workflow, StringComparison.Ordinal);
        Assert.Matches(@"TRIVY_IMAGE: aquasec/trivy:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}\n", workflow);
        Assert.Matches(@"""\$TRIVY_IMAGE"" \\\n[^\n]*image [^\n]*--exit-code 1", workflow);
        Assert.Contains("package-ecosystem: docker-compose", repository.Read(".github/dependabot.yml"), StringComparison.Ordinal);

        Assert.Contains("IMAGE: ${{ vars.REGISTRY && format('{0}/orders-api', vars.REGISTRY) || 'orders-api' }}", workflow, StringComparison.Ordinal);
        Assert.Contains("if: vars.REGISTRY != '' &&", workflow, StringComparison.Ordinal);
        Assert.Contains("--password-stdin && cd", workflow, StringComparison.Ordinal);
        // make prod-deploy deploys through this script (StackDeployScriptTests), which passes the credentials on.
        Assert.Contains("docker stack deploy --prune --with-registry-auth", repository.Read("scripts/stack-deploy.sh"), StringComparison.Ordinal);
    }

    private static YamlNode LoadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }

    /// <summary>The proof pyramid in CI: one job per tier folder, each waiting for the cheaper one before it.</summary>
    [Fact]
    public void The_packs_workflow_runs_each_tier_as_a_job_cheapest_first()
    {
        var jobs = (YamlMappingNode)((YamlMappingNode)LoadYaml(File.ReadAllText(Path.Combine(PackPaths.Root, ".github", "workflows", "ci.yml"))))["jobs"];
        var tierJobs = jobs.Children
            .Select(job => (Name: job.Key.ToString(), Job: (YamlMappingNode)job.Value))
            .Select(job => (job.Name, job.Job, Tier: ((YamlSequenceNode)job.Job["steps"]).Children.Cast<YamlMappingNode>()
                .Where(step => step.Children.TryGetValue("uses", out var uses) && uses.ToString() == "./.github/actions/test-tier")
                .Select(step => ((YamlMappingNode)step["with"])["tier"].ToString()).SingleOrDefault()))
            .Where(job => job.Tier is not null)
            .ToList();

        Assert.Equal(Tier.All, tierJobs.Select(job => job.Tier));
        for (var i = 1; i < tierJobs.Count; i++)
        {
            Assert.Equal(tierJobs[i - 1].Name, tierJobs[i].Job["needs"].ToString());
        }

        Assert.Equal([tierJobs[^1].Name, "kubernetes"], ((YamlSequenceNode)jobs["pack"]["needs"]).Children.Select(n => n.ToString()));
        Assert.Contains("tests/run --tier \"${{ inputs.tier }}\"", File.ReadAllText(Path.Combine(PackPaths.Root, ".github", "actions", "test-tier", "action.yml")), StringComparison.Ordinal);
    }

    /// <summary>
    /// The kind job (it runs on hosted runners only) names what the generated repository really has: its make
    /// targets, and the namespace, Deployment and Job that the local overlay renders for the project name it uses.
    /// </summary>
    [Fact]
    public async Task The_packs_kubernetes_job_runs_the_generated_local_overlay_by_the_names_it_renders()
    {
        var jobs = (YamlMappingNode)((YamlMappingNode)LoadYaml(File.ReadAllText(Path.Combine(PackPaths.Root, ".github", "workflows", "ci.yml"))))["jobs"];
        var job = (YamlMappingNode)jobs["kubernetes"];
        var script = await File.ReadAllTextAsync(Path.Combine(PackPaths.Root, "tests", "scripts", "kind-smoke.sh"));
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var targets = repository.Read("Makefile").Split('\n').Select(line => Regex.Match(line, "^([a-z0-9-]+):").Groups[1].Value).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        var rendered = (await Shell.RunAsync(TestServices.Program("kubectl", "/usr/bin/kubectl"),
            ["kustomize", "--load-restrictor", "LoadRestrictionsNone", "deploy/kubernetes/overlays/local"], repository.Directory)).EnsureSuccess().StandardOutput;
        var objects = KubernetesRules.Load(rendered);

        Assert.Contains(((YamlSequenceNode)job["steps"]).Children, step => step.ToString().Contains("bash tests/scripts/kind-smoke.sh", StringComparison.Ordinal));
        Assert.Contains("--name Orders", script, StringComparison.Ordinal);
        Assert.All(Regex.Matches(script, @"\bmake ([a-z0-9-]+)").Select(m => m.Groups[1].Value), target => Assert.Contains(target, targets));
        Assert.Contains($"--namespace {objects.OfType<k8s.Models.V1Namespace>().Single().Metadata.Name} ", script, StringComparison.Ordinal);
        Assert.Contains($"job/{objects.OfType<k8s.Models.V1Job>().Single().Metadata.Name} ", script, StringComparison.Ordinal);
        Assert.Contains($"deployment/{objects.OfType<k8s.Models.V1Deployment>().Single().Metadata.Name} ", script, StringComparison.Ordinal);
        Assert.Contains($"{objects.OfType<k8s.Models.V1Deployment>().Single().Spec.Template.Spec.Containers.Single().Image.Split(':')[0]}:kind", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rules_catch_unpinned_actions_unknown_needs_unknown_make_targets_and_missing_local_actions()
    {
        const string Broken = "jobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@main\n      - run: make nothing\n      - uses: ./.github/actions/missing\n  b:\n    needs: [d]\n    runs-on: x\n    steps:\n      - run: echo\n"
            + "  c:\n    runs-on: x\n    steps:\n      - uses: docker/build-push-action@v6\n      - uses: docker/login-action@c94ce9fb468520275223c153574b00df6fe4bcc9 # v3\n        with:\n          password: ${{ secrets.P }}\n"
            + "      - uses: actions/setup-dotnet@67a3573c9a986a3f9c594539f4ab511d57bb3ce9\n      - run: docker run aquasec/trivy:0.65.0 image x\n";

        var problems = Check(Broken, new HashSet<string>(StringComparer.Ordinal) { "build" }, PackPaths.Root);

        // checkout@main and build-push-action@v6 (tags), make nothing, the missing local action, needs d, login-action
        // beside a secret, setup-dotnet without its version, trivy by tag.
        Assert.True(problems.Count == 8, string.Join('\n', problems));
    }

    private static List<string> Check(string yaml, HashSet<string>? makeTargets, string? root = null)
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

            // A job given a secret keeps third-party code out: a compromised action could read it.
            var holdsSecrets = Serialize(job).Contains("secrets.", StringComparison.Ordinal);
            foreach (YamlMappingNode step in (YamlSequenceNode)job["steps"])
            {
                if (step.Children.TryGetValue("uses", out var uses) && uses.ToString().StartsWith("./", StringComparison.Ordinal))
                {
                    // A local action is the repository's own code: it must exist.
                    if (root is null || !File.Exists(Path.Combine(root, uses.ToString(), "action.yml")))
                    {
                        problems.Add($"{name}: local action {uses} does not exist");
                    }
                }
                else if (uses is not null && !PinnedAction().IsMatch(uses.ToString()))
                {
                    problems.Add($"{name}: {uses} is not pinned to a commit SHA (a tag can be moved to other code)");
                }
                else if (uses is not null && holdsSecrets && !uses.ToString().StartsWith("actions/", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: third-party action {uses} runs in a job that holds secrets");
                }

                if (makeTargets is not null && step.Children.TryGetValue("run", out var run))
                {
                    problems.AddRange(MakeCall().Matches(run.ToString()).Select(m => m.Groups["target"].Value)
                        .Where(target => !makeTargets.Contains(target))
                        .Select(target => $"{name}: make {target} is not a target of the Makefile"));
                }
            }
        }

        // Each SHA names its version in a comment, which Dependabot keeps in step with the pin.
        problems.AddRange(yaml.Split('\n').Where(line => ShaPin().IsMatch(line) && !line.Contains(" # v", StringComparison.Ordinal))
            .Select(line => $"{line.Trim()}: no version comment beside the SHA"));
        // Tools that run as images are pinned by digest for the same reason.
        problems.AddRange(yaml.Split('\n').Where(line => line.Contains("aquasec/trivy", StringComparison.Ordinal) && !line.Contains("@sha256:", StringComparison.Ordinal))
            .Select(line => $"{line.Trim()}: the scanner image is not pinned by digest"));
        return problems;
    }

    private static string Serialize(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [GeneratedRegex(@"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}")]
    private static partial Regex ShaPin();

    [GeneratedRegex(@"^(?<name>[A-Z_]+)_IMAGE=(?<image>\S+)")]
    private static partial Regex ImageSetting();

    [GeneratedRegex(@"\bmake[ \t]+(?<target>[a-z][a-z0-9-]*)")]
    private static partial Regex MakeCall();
}
