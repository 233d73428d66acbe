namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>The generated Dockerfile follows the hadolint and CIS rules (see <see cref="DockerfileRules"/>).</summary>
[Tier(Tier.Static)]
public sealed class DockerfileRuleTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.SnapshottedIds), MemberType = typeof(Scenario))]
    public async Task The_generated_dockerfile_follows_the_lint_rules(string scenario)
    {
        var repository = await hive.InstantiateAsync(Scenario.ById(scenario));

        var violations = DockerfileRules.Violations(repository.Read("Dockerfile"));

        Assert.True(violations.Count == 0, string.Join('\n', violations));
        Figures.Report($"{scenario}: {DockerfileRules.Parse(repository.Read("Dockerfile")).Count} instructions, 0 rule violations");
    }

    [Fact]
    public void The_rules_catch_each_mistake_they_name()
    {
        const string Bad = """
            ARG BASE=debian
            ARG DB_PASSWORD=hunter2
            FROM ${BASE} AS build
            ADD https://example.invalid/tool.tar.gz /tmp/
            RUN apt-get update && apt-get install -y curl
            FROM debian:latest
            ENV API_TOKEN=abc
            USER root
            ENTRYPOINT /app/start.sh
            CMD dotnet app.dll
            """;

        var violations = DockerfileRules.Violations(Bad);

        foreach (var rule in new[] { "DL3002", "DL3020", "DL3006", "DL3015", "DL3009", "DL3025", "CIS 4.6", "CIS 4.10" })
        {
            Assert.Contains(violations, v => v.StartsWith(rule, StringComparison.Ordinal));
        }

        Assert.Equal(2, violations.Count(v => v.StartsWith("DL3006", StringComparison.Ordinal)));
        Assert.Equal(2, violations.Count(v => v.StartsWith("DL3025", StringComparison.Ordinal)));
        Assert.Equal(2, violations.Count(v => v.StartsWith("CIS 4.10", StringComparison.Ordinal)));
    }
}
