namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// <c>make prod-deploy</c> deploys through <c>scripts/stack-deploy.sh</c>. A deploy that races a service's own
/// update is refused by Swarm with "update out of sequence" and changes nothing, so the script deploys again; any
/// other failure stops it at once. A stand-in <c>docker</c> on PATH answers with the daemon's words, as a real
/// run of DayTwoOperationsTests met them (two dashboard edits deployed back to back).
/// </summary>
[Tier(Tier.Static)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StackDeployScriptTests(TemplateHive hive)
{
    private const string OutOfSequence =
        "failed to update service orders_grafana: Error response from daemon: rpc error: code = Unknown desc = update out of sequence";

    private const string Deployed = "Updating service orders_api (id: 4k3x)";

    private const string Deploy = "stack deploy --prune --with-registry-auth -c docker-compose.prod.yml -c override.yml orders";

    [Fact]
    public async Task A_deploy_refused_as_out_of_sequence_is_made_again_and_succeeds()
    {
        var (result, calls) = await DeployAsync([(1, OutOfSequence), (0, Deployed)]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal([Deploy, Deploy], calls);
        Assert.Contains("deploying again (attempt 2 of 3)", result.Output, StringComparison.Ordinal);
        Assert.Contains(Deployed, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_other_failure_stops_the_deploy_at_once()
    {
        var (result, calls) = await DeployAsync([(1, "network orders_backend not found"), (0, Deployed)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([Deploy], calls);
        Assert.Contains("network orders_backend not found", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stack_that_keeps_changing_fails_after_the_last_attempt_with_what_to_do()
    {
        var (result, calls) = await DeployAsync([(1, OutOfSequence), (1, OutOfSequence), (1, OutOfSequence), (0, Deployed)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, calls.Count);
        Assert.Contains("orders kept changing under the deploy (3 attempts)", result.Output, StringComparison.Ordinal);
        Assert.Contains("make prod-status", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("three")]
    public async Task A_bad_number_of_attempts_is_refused_before_anything_is_deployed(string attempts)
    {
        var (result, calls) = await DeployAsync([(0, Deployed)], attempts);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(calls);
        Assert.Contains($"STACK_DEPLOY_ATTEMPTS must be a whole number, 1 or more (it is '{attempts}'); nothing was deployed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_prod_deploy_deploys_through_the_script()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);

        Assert.Contains("\t@scripts/prod-deploy.sh\n", repository.Read("Makefile"), StringComparison.Ordinal);
        Assert.Contains("scripts/stack-deploy.sh \"$STACK_NAME\" \"${files[@]}\"", repository.Read("scripts/prod-deploy.sh"), StringComparison.Ordinal);
        Assert.DoesNotContain("docker stack deploy", repository.Read("Makefile") + repository.Read("scripts/prod-deploy.sh"), StringComparison.Ordinal);
    }

    /// <summary>Runs the script (three attempts unless told); the stand-in docker gives the answers in order and records each call.</summary>
    private async Task<(CommandResult Result, List<string> Calls)> DeployAsync(IReadOnlyList<(int Exit, string Message)> answers, string attempts = "3")
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var standIn = PackPaths.NewTempDirectory("docker-stand-in");
        await File.WriteAllLinesAsync(Path.Combine(standIn, "answers"), answers.Select(a => $"{a.Exit}|{a.Message}"), TestContext.Current.CancellationToken);
        var docker = Path.Combine(standIn, "docker");
        await File.WriteAllTextAsync(docker, """
            #!/usr/bin/env bash
            echo "$*" >> "$STAND_IN/calls"
            answer=$(sed -n "$(wc -l < "$STAND_IN/calls")p" "$STAND_IN/answers")
            if [ "${answer%%|*}" = 0 ]; then echo "${answer#*|}"; else echo "${answer#*|}" >&2; fi
            exit "${answer%%|*}"
            """, TestContext.Current.CancellationToken);
        File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = await Shell.RunAsync(repository.PathOf("scripts/stack-deploy.sh"), ["orders", "docker-compose.prod.yml", "override.yml"], repository.Directory, new Dictionary<string, string?>
        {
            ["PATH"] = $"{standIn}:{Environment.GetEnvironmentVariable("PATH")}",
            ["STAND_IN"] = standIn,
            ["STACK_DEPLOY_ATTEMPTS"] = attempts,
        });
        var calls = File.Exists(Path.Combine(standIn, "calls")) ? File.ReadAllLines(Path.Combine(standIn, "calls")).ToList() : [];
        return (result, calls);
    }
}
