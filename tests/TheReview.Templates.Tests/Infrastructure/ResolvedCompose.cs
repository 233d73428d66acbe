using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// A generated stack file as the engines read it: <c>docker compose config</c> resolves variables, profiles and
/// extension fields into what compose will run, <c>docker stack config</c> into what Swarm will deploy.
/// </summary>
public static class ResolvedCompose
{
    /// <summary>The issuer the production stack needs (AUTH_AUTHORITY); any URL will do for reading the files.</summary>
    public const string ExampleAuthority = "https://login.example.com/realms/main";

    /// <summary><c>docker compose -f FILE [--profile P] config --format json</c>, parsed; the spec fails when compose refuses the file.</summary>
    public static async Task<JsonDocument> OfAsync(GeneratedRepository repository, string file, params string[] profiles)
    {
        var result = await RunAsync(repository, file, profiles);
        return JsonDocument.Parse(result.EnsureSuccess().StandardOutput);
    }

    /// <summary>The same, unparsed, for specs about what compose refuses.</summary>
    public static async Task<CommandResult> RunAsync(GeneratedRepository repository, string file, params string[] profiles) =>
        await repository.RunAsync(await Tools.DockerComposeAsync(), ["compose", "-f", file, .. profiles.SelectMany(p => new[] { "--profile", p }), "config", "--format", "json"]);

    /// <summary>
    /// <c>docker stack config</c> of the production file, as YAML. <c>docker stack</c> reads no .env: the Makefile
    /// exports it, so AUTH_AUTHORITY comes from the environment here too.
    /// </summary>
    public static async Task<CommandResult> SwarmAsync(GeneratedRepository repository, string? authority) =>
        await Shell.RunAsync(await Tools.DockerComposeAsync(), ["stack", "config", "-c", "docker-compose.prod.yml"], repository.Directory,
            new Dictionary<string, string?> { ["AUTH_AUTHORITY"] = authority });

    /// <summary>A copy of the scenario's repository with its secrets and certificate made by its own scripts, and an identity provider in .env.</summary>
    public static async Task<GeneratedRepository> PreparedCopyAsync(TemplateHive hive, Scenario scenario)
    {
        var copy = (await hive.InstantiateAsync(scenario)).Copy();
        (await copy.RunAsync(copy.PathOf("scripts/secrets.sh"))).EnsureSuccess();
        (await copy.RunAsync(copy.PathOf("scripts/certs.sh"))).EnsureSuccess();
        await copy.WriteEnvAsync(new Dictionary<string, string> { ["AUTH_AUTHORITY"] = ExampleAuthority });
        return copy;
    }

    /// <summary>The first document of a YAML text, as a mapping.</summary>
    public static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The scalar at a path of mapping keys.</summary>
    public static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return ((YamlScalarNode)current).Value;
    }
}
