namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A private copy of a generated repository set up as an operator would: a <c>.env</c> made from
/// <c>.env.example</c> with the local image names, free ports, unique project and stack names, and the tests'
/// identity provider.
/// The generated files themselves are never edited.
/// </summary>
public sealed class StackWorkspace
{
    private StackWorkspace(GeneratedRepository repository, string name, IReadOnlyDictionary<string, string> settings)
    {
        Repository = repository;
        Name = name;
        Settings = settings;
    }

    public GeneratedRepository Repository { get; }

    /// <summary>The compose project and Swarm stack name.</summary>
    public string Name { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    public int Port(string key) => int.Parse(Settings[key], System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<StackWorkspace> CreateAsync(GeneratedRepository generated, params (string Key, string Value)[] extra)
    {
        var repository = generated.Copy();
        var name = $"tr{Guid.NewGuid():N}"[..12];
        var settings = new Dictionary<string, string>(await DockerHost.LocalImagesAsync(), StringComparer.Ordinal)
        {
            ["COMPOSE_PROJECT_NAME"] = name,
            ["STACK_NAME"] = name,
            ["API_IMAGE"] = $"thereview-test/{name}-api",
            ["API_TAG"] = "1.0.0",
            ["API_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["REDIS_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HTTPS_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGADMIN_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MONGO_EXPRESS_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["REDIS_COMMANDER_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The specs tell the replicas apart by the X-Instance header, which is off by default.
            ["API_INSTANCE_HEADER"] = "true",
            // The test stacks run on make certs' self-signed certificate, on purpose.
            ["ALLOW_SELF_SIGNED_CERTIFICATE"] = "true",
        };
        foreach (var (key, value) in (await IdentityProvider.Shared).StackSettings.Select(s => (s.Key, s.Value)).Concat(extra))
        {
            settings[key] = value;
        }

        await repository.WriteEnvAsync(settings);
        return new StackWorkspace(repository, name, settings);
    }

    /// <summary>Runs a make target of the repository, as an operator would.</summary>
    public Task<CommandResult> MakeAsync(params string[] arguments) =>
        Shell.RunAsync(Tools.Make, arguments, Repository.Directory, timeout: TimeSpan.FromMinutes(10));
}
