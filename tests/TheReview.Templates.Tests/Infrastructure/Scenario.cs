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

    /// <summary>Every datastore this machine can run (no MongoDB server here).</summary>
    public static readonly Scenario WithoutMongo = new("without-mongo", "Orders", ["--mongo", "false"]);

    /// <summary>The scenarios with approved snapshots.</summary>
    public static readonly IReadOnlyList<Scenario> Snapshotted =
        [Default, PostgresOnly, MongoOnly, RedisOnly, NoDatastores, NoSample, DottedName];

    public static TheoryData<string> SnapshottedIds => [.. Snapshotted.Select(s => s.Id)];

    public static Scenario ById(string id) => Snapshotted.Single(s => s.Id == id);

    public bool Has(string option) => OptionValue(option) != "false";

    public string? OptionValue(string option)
    {
        var index = Options.ToList().IndexOf($"--{option}");
        return index >= 0 && index + 1 < Options.Count ? Options[index + 1] : null;
    }

    public override string ToString() => Id;
}
