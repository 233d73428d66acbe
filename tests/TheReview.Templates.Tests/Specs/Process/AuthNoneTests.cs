using System.Net;
using System.Net.Http.Json;

namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// With <c>--auth none</c> nothing asks for a token: the API starts in Production without any Auth setting, and
/// the sample's writes and reads succeed without an Authorization header. (The pairwise matrix builds and tests
/// such cells, but none of them has the sample's endpoints.)
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class AuthNoneTests(TemplateHive hive)
{
    [Fact]
    public async Task Without_authentication_the_api_starts_without_auth_settings_and_answers_without_a_token()
    {
        var repository = await hive.InstantiateAsync(new Scenario("auth-none-running", "Orders", ["--auth", "none", "--mongo", "false"]));
        (await repository.BuildAsync()).EnsureSuccess();
        var database = $"orders_{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database }.ConnectionString,
            ["ConnectionStrings__Redis"] = TestServices.Redis,
            ["Redis__KeyPrefix"] = $"{database}:",
        };
        (await ApiProcess.RunCommandAsync(repository.ApiAssembly, environment, "migrate")).EnsureSuccess();
        try
        {
            await using var api = await ApiProcess.StartAsync(repository.ApiAssembly, environment);

            using var created = await api.Client.PostAsJsonAsync("/api/reviews", new { subject = "Kettle", rating = 4 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.OK, await api.StatusAsync(created.Headers.Location!.OriginalString));
            Figures.Report("--auth none in Production: started with no Auth setting; write 201 and read 200 without a token");
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(TestServices.Postgres);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
