namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>One way to instantiate the template: a project name and the options given on the command line.</summary>
public sealed record Scenario(string Id, string Name, IReadOnlyList<string> Options)
{
    public static readonly Scenario Default = new("default", "Orders", []);
    public static readonly Scenario PostgresOnly = new("postgres-only", "Orders", ["--mongo", "false", "--redis", "false"]);
    public static readonly Scenario MongoOnly = new("mongo-only", "Orders", ["--postgres", "false", "--redis", "false"]);
    public static readonly Scenario RedisOnly = new("redis-only", "Orders", ["--postgres", "false", "--mongo", "false"]);
    public static readonly Scenario NoDatastores = new("no-datastores", "Orders", ["--postgres", "false", "--mongo", "false", "--redis", "false"]);
    public static readonly Scenario NoSample = new("no-sample", "Orders", ["--sample", "false"]);
    public static readonly Scenario DottedName = new("dotted-name", "Contoso.Orders", []);
    public static readonly Scenario DevSetup = new("setup-dev", "Orders", ["--setup", "dev"]);
    public static readonly Scenario ProdSetup = new("setup-prod", "Orders", ["--setup", "prod", "--replicas", "5"]);
    public static readonly Scenario NoAdminUis = new("no-admin-uis", "Orders", ["--admin-uis", "false"]);
    public static readonly Scenario NoMonitoring = new("no-monitoring", "Orders", ["--monitoring", "false"]);
    /// <summary>The tooling options flipped from their defaults: GitLab CI in, the dev container and Kubernetes out.</summary>
    public static readonly Scenario GitLabCi = new("gitlab-ci", "Orders", ["--gitlab-ci", "true", "--devcontainer", "false", "--kubernetes", "false"]);
    public static readonly Scenario NoAuth = new("auth-none", "Orders", ["--auth", "none"]);

    /// <summary>Every datastore but MongoDB, whose server the tests use only when THEREVIEW_TEST_MONGODB names one.</summary>
    public static readonly Scenario WithoutMongo = new("without-mongo", "Orders", ["--mongo", "false"]);

    /// <summary>The scenarios with approved snapshots.</summary>
    public static readonly IReadOnlyList<Scenario> Snapshotted =
        [Default, PostgresOnly, MongoOnly, RedisOnly, NoDatastores, NoSample, DottedName, DevSetup, ProdSetup, NoAdminUis, NoMonitoring, GitLabCi, NoAuth];

    public static TheoryData<string> SnapshottedIds => [.. Snapshotted.Select(s => s.Id)];

    /// <summary>Scenarios with the development stack (setup full or dev).</summary>
    public static TheoryData<string> DevStackIds => [.. Snapshotted.Where(s => s.HasDevStack).Select(s => s.Id)];

    /// <summary>Scenarios with the production stack (setup full or prod).</summary>
    public static TheoryData<string> ProdStackIds => [.. Snapshotted.Where(s => s.HasProdStack).Select(s => s.Id)];

    /// <summary>Scenarios with the Kubernetes manifests (the production stack and --kubernetes).</summary>
    public static TheoryData<string> KubernetesIds => [.. Snapshotted.Where(s => s.HasKubernetes).Select(s => s.Id)];

    /// <summary>Scenarios with the production stack and monitoring.</summary>
    public static TheoryData<string> MonitoringIds => [.. Snapshotted.Where(s => s.HasProdStack && s.Has("monitoring")).Select(s => s.Id)];

    /// <summary>Same project name as the default, other options: snapshotted as differences from the default.</summary>
    public bool DiffersFromDefaultByOptionsOnly => this != Default && Name == Default.Name;

    public string Setup => ValueOf(TemplateOption.ByLongName("setup"));

    public bool HasDevStack => Setup is "full" or "dev";

    public bool HasProdStack => Setup is "full" or "prod";

    public bool HasKubernetes => HasProdStack && Has("kubernetes");

    public static Scenario ById(string id) => Snapshotted.Single(s => s.Id == id);

    public int Replicas => int.Parse(ValueOf(TemplateOption.ByLongName("replicas")), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether a switch is on: given true, or left at a default of true.</summary>
    public bool Has(string option) => ValueOf(TemplateOption.ByLongName(option)) == "true";

    /// <summary>The value given on the command line, or null.</summary>
    public string? OptionValue(string option)
    {
        var index = Options.ToList().IndexOf($"--{option}");
        return index >= 0 && index + 1 < Options.Count ? Options[index + 1] : null;
    }

    /// <summary>The value the scenario gives an option: its own, or the template's default.</summary>
    public string ValueOf(TemplateOption option) => OptionValue(option.LongName) ?? option.Default;

    /// <summary>
    /// What thereview.json records: the value where the option takes effect; where its "Enabled if" is false, the
    /// engine ignores what was given, so a switch records false (nothing of it was generated) and a choice its default.
    /// </summary>
    public string Recorded(TemplateOption option) =>
        option.IsEnabled(ValueOf) ? ValueOf(option) : option.IsBool ? "false" : option.Default;

    /// <summary>A key for what the scenario generates: the same name and options give the same repository.</summary>
    public string GenerationKey => $"{Name} {string.Join(' ', Options)}";

    public override string ToString() => Id;
}
