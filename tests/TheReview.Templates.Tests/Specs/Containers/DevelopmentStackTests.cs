using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The development stack of a repository generated with MongoDB off (MongoDB has no stand-in under THEREVIEW_TEST_IMAGES=local), run with
/// <c>make dev-up</c> on the local stand-in images.
/// </summary>
[Collection(Builds.Name)]
[Tier(Tier.Containers)]
public sealed class DevelopmentStackTests(TemplateHive hive)
{
    [Fact]
    public async Task The_development_stack_comes_up_healthy_reloads_sources_and_keeps_its_data()
    {
        var stack = await StackWorkspace.CreateAsync(await hive.InstantiateAsync(Scenario.WithoutMongo));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{stack.Port("API_PORT")}"), Timeout = TimeSpan.FromSeconds(20) };
        try
        {
            var up = System.Diagnostics.Stopwatch.StartNew();
            (await stack.MakeAsync("dev-up")).EnsureSuccess();
            Figures.Report($"make dev-up: {up.Elapsed.TotalSeconds:F0} s (image build, restore, first compile)");

            await AllServicesAreHealthyAsync(stack);
            // A fresh volume ends ready with no step to remember: Development migrates at start.
            await Poll.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness after make dev-up on a fresh volume");

            // make db-migrate still serves a database outside the stack; on this one there is nothing left to apply.
            var migrate = await Shell.RunAsync(Tools.Make, ["db-migrate"], stack.Repository.Directory, new Dictionary<string, string?>
            {
                ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={stack.Port("POSTGRES_PORT")};Database=orders;Username=orders;Password=development-only",
            }, TimeSpan.FromMinutes(5));
            Assert.DoesNotContain("Applying migration", migrate.EnsureSuccess().Output, StringComparison.Ordinal);

            // The README's API reference page: a Debug build in Development serves it, without a token.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar")).StatusCode);

            // The README's first authenticated call: a token from make token, which leaves the repository as it was.
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/reviews")).StatusCode);
            var settings = stack.Repository.PathOf($"src/{stack.Repository.Scenario.Name}.Api/appsettings.Development.json");
            var before = await File.ReadAllTextAsync(settings);
            var token = (await stack.MakeAsync("-s", "token")).EnsureSuccess().StandardOutput.Trim();
            Assert.Equal(before, await File.ReadAllTextAsync(settings));
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var created = await client.PostAsJsonAsync("/api/reviews", new { subject = "Kettle", rating = 4 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

            await HotReloadChangesTheResponseAsync(stack, client);
            await RedisCommanderAnswersBehindItsLoginAndShowsTheStacksRedisAsync(stack);
            await TheRepositorysOwnTestsPassInTheDevelopmentContainerAsync(stack);
            await ATokenMadeInTheDevelopmentContainerIsAcceptedAsync(stack, client);

            // Redis Commander (admin profile) is still up: make dev-down takes it down too, and with it the network.
            (await stack.MakeAsync("dev-down")).EnsureSuccess();
            var left = await DockerHost.RunAsync("ps", "--all", "--format", "{{.Names}}", "--filter", $"label=com.docker.compose.project={stack.Name}");
            Assert.Equal(string.Empty, left.EnsureSuccess().StandardOutput.Trim());
            var networks = await DockerHost.RunAsync("network", "ls", "--format", "{{.Name}}", "--filter", $"label=com.docker.compose.project={stack.Name}");
            Assert.Equal(string.Empty, networks.EnsureSuccess().StandardOutput.Trim());
            var volumes = (await DockerHost.RunAsync("volume", "ls", "--quiet", "--filter", $"label=com.docker.compose.project={stack.Name}")).EnsureSuccess();
            Assert.Contains($"{stack.Name}_postgres-data", volumes.StandardOutput, StringComparison.Ordinal);

            (await stack.MakeAsync("dev-up")).EnsureSuccess();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/reviews/{id}")).StatusCode);
        }
        finally
        {
            await Shell.RunAsync(Tools.Docker, ["compose", "-f", "docker-compose.yml", "--profile", "*", "down", "--volumes", "--remove-orphans"], stack.Repository.Directory);
            // Only the image this test built; the shared local stand-ins stay cached.
            await DockerHost.RunAsync("image", "rm", "--force", $"{stack.Settings["API_IMAGE"]}:dev");
        }
    }

    private static async Task AllServicesAreHealthyAsync(StackWorkspace stack)
    {
        var ps = (await Shell.RunAsync(Tools.Docker, ["compose", "-f", "docker-compose.yml", "ps", "--format", "json"], stack.Repository.Directory)).EnsureSuccess();
        var services = ps.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(s => s.GetProperty("Service").GetString()!, s => s.GetProperty("Health").GetString());
        Assert.Equal(["api", "postgres", "redis"], services.Keys.Order());
        Assert.All(services, service => Assert.Equal("healthy", service.Value));
    }

    private static async Task HotReloadChangesTheResponseAsync(StackWorkspace stack, HttpClient client)
    {
        var source = Directory.GetFiles(stack.Repository.PathOf("src"), "HealthExtensions.cs", SearchOption.AllDirectories).Single();
        var text = await File.ReadAllTextAsync(source);
        Assert.Contains("TypedResults.Text(\"Healthy\")", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(source, text.Replace("TypedResults.Text(\"Healthy\")", "TypedResults.Text(\"Healthy, reloaded\")", StringComparison.Ordinal));

        var reloaded = await Poll.UntilAsync(async () =>
        {
            try
            {
                return await client.GetStringAsync("/health") == "Healthy, reloaded";
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the edited response");
        Figures.Report($"hot reload: the edit answered after {reloaded.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The admin profile's Redis Commander (the stand-in is built from its npm package, with the package's own
    /// entrypoint): nothing without a login, a wrong password refused, and signed in it shows the stack's Redis.
    /// pgAdmin and Mongo Express need images (and, for Mongo Express, a MongoDB) that have no stand-in under THEREVIEW_TEST_IMAGES=local.
    /// </summary>
    private static async Task RedisCommanderAnswersBehindItsLoginAndShowsTheStacksRedisAsync(StackWorkspace stack)
    {
        (await Shell.RunAsync(Tools.Docker, ["compose", "-f", "docker-compose.yml", "--profile", "admin", "up", "-d", "redis-commander"], stack.Repository.Directory))
            .EnsureSuccess();
        using var ui = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{stack.Port("REDIS_COMMANDER_PORT")}"), Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await ui.GetAsync(new Uri("/", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(1), "Redis Commander's page");

        Assert.Equal(HttpStatusCode.Unauthorized, (await ui.GetAsync(new Uri("/apiv2/server/info", UriKind.Relative))).StatusCode);
        using var refused = await ui.PostAsJsonAsync("/signin", new { username = "admin", password = "not-the-password" });
        Assert.False((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
        using var signedIn = await ui.PostAsJsonAsync("/signin", new { username = "admin", password = "development-only" });
        var token = (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bearerToken").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/apiv2/server/info");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var info = await ui.SendAsync(request);
        var body = await info.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Contains("\"host\":\"redis\",\"port\":6379", body, StringComparison.Ordinal);
        Assert.Contains("\"Redis version\"", body, StringComparison.Ordinal);
        Figures.Report($"Redis Commander (admin profile): 401 without a login, wrong password refused, signed in it reads INFO of the stack's Redis ({body.Length} bytes)");
    }

    private static async Task TheRepositorysOwnTestsPassInTheDevelopmentContainerAsync(StackWorkspace stack)
    {
        // The make targets, as a developer runs them in the devcontainer: the image has make.
        var tests = await Shell.RunAsync(Tools.Docker, [
            "compose", "-f", "docker-compose.yml", "exec", "-T",
            "-e", "THEREVIEW_TEST_POSTGRES=Host=postgres;Port=5432;Username=orders;Password=development-only",
            "-e", "THEREVIEW_TEST_REDIS=redis:6379,password=development-only",
            "-e", "THEREVIEW_TEST_REQUIRE_DATASTORES=postgres,redis",
            "api", "make", "test", "CONFIGURATION=Release"], stack.Repository.Directory, timeout: TimeSpan.FromMinutes(8));
        tests.EnsureSuccess();
        Assert.Contains("failed: 0", tests.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>make token in the development container: it writes to the mounted user secrets, which the API reads.</summary>
    private static async Task ATokenMadeInTheDevelopmentContainerIsAcceptedAsync(StackWorkspace stack, HttpClient client)
    {
        var token = (await Shell.RunAsync(Tools.Docker, ["compose", "-f", "docker-compose.yml", "exec", "-T", "api", "make", "-s", "token"],
            stack.Repository.Directory, timeout: TimeSpan.FromMinutes(3))).EnsureSuccess().StandardOutput.Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reviews");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
