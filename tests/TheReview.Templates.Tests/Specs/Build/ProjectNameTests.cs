using System.Text.Json;
using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Build;

/// <summary>
/// Project names become valid namespaces and valid lower-case Docker names; the result builds and passes its own
/// lint (`make lint`, which its CI runs first): usings must not sort differently for another name.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Build)]
public sealed partial class ProjectNameTests(TemplateHive hive)
{
    [Theory]
    [InlineData("Contoso.Orders", "Contoso.Orders", "contoso-orders")]
    [InlineData("my-service", "my_service", "my-service")]
    [InlineData("Orders2", "Orders2", "orders2")]
    [InlineData("Acme.Review_Service", "Acme.Review_Service", "acme-review-service")]
    public async Task A_project_name_gives_a_namespace_and_a_docker_name_builds_and_passes_lint(string name, string expectedNamespace, string expectedDockerName)
    {
        var repository = await hive.InstantiateAsync(new Scenario($"name-{name}", name, []));

        Assert.Contains($"src/{expectedNamespace}.Api/{expectedNamespace}.Api.csproj", repository.Files);
        Assert.Contains($"namespace {expectedNamespace}.Api.Hosting;", repository.Read($"src/{expectedNamespace}.Api/Hosting/StartupLog.cs"), StringComparison.Ordinal);
        var dockerName = KeyPrefix().Match(repository.Read($"src/{expectedNamespace}.Api/Datastores/Redis/RedisExtensions.cs")).Groups["name"].Value;
        Assert.Equal(expectedDockerName, dockerName);
        Assert.Matches(DockerName(), dockerName);
        using var record = JsonDocument.Parse(repository.Read("thereview.json"));
        Assert.Equal(name, record.RootElement.GetProperty("name").GetString());

        (await repository.BuildAsync()).EnsureSuccess();
        (await Shell.DotNetAsync(["format", repository.SolutionFile, "--verify-no-changes", "--no-restore"], repository.Directory, timeout: TimeSpan.FromMinutes(5)))
            .EnsureSuccess();
    }

    [GeneratedRegex("KeyPrefix[^\"]*\"(?<name>[^\"]+):\"")]
    private static partial Regex KeyPrefix();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex DockerName();
}
