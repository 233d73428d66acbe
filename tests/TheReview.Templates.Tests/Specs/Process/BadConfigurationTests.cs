namespace TheReview.Templates.Tests.Specs.Process;

/// <summary>
/// A configuration mistake stops start-up with one log line that names the setting, a non-zero exit,
/// and no secret in the output. Each case plants a password marker to prove the last point.
/// </summary>
[Collection(RunningServices.Name)]
[Tier(Tier.Process)]
public sealed class BadConfigurationTests(RunningServiceFixture service)
{
    private const string Secret = "S3cret-marker-7f1c";

    public static TheoryData<string, string?, string> Mistakes => new()
    {
        { "ConnectionStrings__Postgres", null, "ConnectionStrings:Postgres" },
        { "ConnectionStrings__Redis", null, "ConnectionStrings:Redis" },
        { "ConnectionStrings__Mongo", null, "ConnectionStrings:Mongo" },
        { "Postgres__Password_FILE", "/run/secrets/does-not-exist", "Postgres__Password_FILE" },
        { "Redis__Password_FILE", "/run/secrets/does-not-exist", "Redis__Password_FILE" },
        { "ConnectionStrings__Postgres", $"Host=127.0.0.1;Port=not-a-port;Username=orders;Password={Secret}", "ConnectionStrings:Postgres" },
        { "ConnectionStrings__Redis", $"127.0.0.1:6379,password={Secret},connectTimeout=soon", "ConnectionStrings:Redis" },
        { "ConnectionStrings__Mongo", $"mongodb//orders:{Secret}@127.0.0.1:27017/orders", "ConnectionStrings:Mongo" },
        { "ConnectionStrings__Mongo", $"http://orders:{Secret}@127.0.0.1:27017/orders", "ConnectionStrings:Mongo" },
        { "Health__CheckTimeout", "three seconds", "Health:CheckTimeout" },
        { "RateLimit__PermitsPerSecond", "0", "RateLimit:PermitsPerSecond" },
        { "Cors__AllowedOrigins", "*", "Cors:AllowedOrigins" },
        { "Proxy__TrustedNetworks", "the proxy", "Proxy:TrustedNetworks" },
        { "Auth__Authority", null, "Auth:Authority" },
        { "Auth__Authority", "login.example.com", "Auth:Authority" },
        { "Auth__Authority_FILE", "/run/secrets/does-not-exist", "Auth__Authority_FILE" },
        { "OTEL_TRACES_SAMPLER", "sometimes", "OTEL_TRACES_SAMPLER" },
        { "OTEL_TRACES_SAMPLER_ARG", "10%", "OTEL_TRACES_SAMPLER_ARG" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_stops_start_up_with_one_line_naming_the_setting_and_no_secret(string variable, string? value, string setting)
    {
        var environment = service.Environment("orders", mongo: "mongodb://127.0.0.1:27017/orders");
        environment["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={service.Postgres.Port};Username=postgres;Password={Secret}";
        environment[variable] = value;

        var result = await ApiProcess.RunCommandAsync(service.Default.ApiAssembly, environment, "serve");

        Assert.NotEqual(0, result.ExitCode);
        var failures = result.Output.Split('\n').Where(line => line.Contains("Start-up failed", StringComparison.Ordinal)).ToList();
        Assert.Single(failures);
        Assert.Contains(setting, failures[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Output, StringComparison.Ordinal);
        Figures.Report($"{variable} {(value is null ? "unset" : "wrong")}: exit {result.ExitCode}, {failures[0].Trim()}");
    }
}
