using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TheReview.Templates.Tests.Specs.Stack;

/// <summary>
/// What Swarm kept: <c>docker stack deploy</c> drops compose keys it does not convert, without a warning (the
/// <c>tmpfs:</c> key, <c>security_opt</c>). Each service's spec is read back from the engine and compared with every
/// hardening, limit and health check key the resolved compose file declares; a key Swarm drops must be listed as
/// compose-only in docs/operations.md.
/// </summary>
[Collection(ProductionDeployment.Name)]
[Tier(Tier.Stack)]
public sealed partial class SwarmSpecTests(SwarmDeployment stack)
{
    [Fact]
    public async Task Every_hardening_limit_and_health_check_key_of_the_compose_file_is_kept_by_swarm_or_documented_as_compose_only()
    {
        var composeOnly = ComposeOnlyKeys(stack.Workspace.Repository.Read("docs/operations.md"));
        var declared = await ResolvedComposeAsync();
        var dropped = new List<string>();
        var checkedKeys = 0;
        foreach (var service in declared.GetProperty("services").EnumerateObject())
        {
            var spec = (await DockerHost.RunAsync("service", "inspect", "--format", "{{json .Spec.TaskTemplate}}", $"{stack.Name}_{service.Name}"))
                .EnsureSuccess().StandardOutput;
            using var task = JsonDocument.Parse(spec);
            foreach (var (key, kept) in Compare(service.Value, task.RootElement))
            {
                checkedKeys++;
                if (!kept && !composeOnly.Contains(key))
                {
                    dropped.Add($"{service.Name}: {key}");
                }
            }
        }

        Assert.True(dropped.Count == 0, "Swarm dropped these keys, and docs/operations.md does not list them as compose-only:\n" + string.Join('\n', dropped));
        Assert.True(checkedKeys > 20, $"only {checkedKeys} keys compared");
        Figures.Report($"{checkedKeys} hardening, limit and health check keys of {declared.GetProperty("services").EnumerateObject().Count()} services read back from Swarm; compose-only by the docs: {string.Join(", ", composeOnly)}");
    }

    /// <summary>Each declared hardening or limit key of a service, and whether the Swarm task template carries it.</summary>
    private static IEnumerable<(string Key, bool Kept)> Compare(JsonElement service, JsonElement task)
    {
        var container = task.GetProperty("ContainerSpec");
        if (service.TryGetProperty("read_only", out var readOnly) && readOnly.GetBoolean())
        {
            yield return ("read_only", Flag(container, "ReadOnly"));
        }

        if (service.TryGetProperty("tmpfs", out _))
        {
            yield return ("tmpfs", false);
        }

        if (service.TryGetProperty("volumes", out var volumes))
        {
            foreach (var tmpfs in volumes.EnumerateArray().Where(v => v.GetProperty("type").GetString() == "tmpfs"))
            {
                var target = tmpfs.GetProperty("target").GetString();
                yield return ($"volumes tmpfs {target}", container.TryGetProperty("Mounts", out var mounts)
                    && mounts.EnumerateArray().Any(m => m.GetProperty("Type").GetString() == "tmpfs" && m.GetProperty("Target").GetString() == target));
            }
        }

        foreach (var (key, field) in new[] { ("cap_drop", "CapabilityDrop"), ("cap_add", "CapabilityAdd") })
        {
            if (service.TryGetProperty(key, out var capabilities))
            {
                var kept = container.TryGetProperty(field, out var list) ? list.EnumerateArray().Select(c => c.GetString()).ToHashSet() : [];
                yield return (key, capabilities.EnumerateArray().All(c => kept.Contains(c.GetString())));
            }
        }

        if (service.TryGetProperty("user", out var user))
        {
            yield return ("user", container.TryGetProperty("User", out var keptUser) && keptUser.GetString() == user.GetString());
        }

        if (service.TryGetProperty("init", out var init) && init.GetBoolean())
        {
            yield return ("init", Flag(container, "Init"));
        }

        if (service.TryGetProperty("security_opt", out var options))
        {
            var noNewPrivileges = container.TryGetProperty("Privileges", out var privileges) && Flag(privileges, "NoNewPrivileges");
            foreach (var option in options.EnumerateArray().Select(o => o.GetString()))
            {
                yield return ("security_opt", option == "no-new-privileges:true" && noNewPrivileges);
            }
        }

        if (service.TryGetProperty("stop_grace_period", out var grace))
        {
            yield return ("stop_grace_period", container.TryGetProperty("StopGracePeriod", out var keptGrace)
                && keptGrace.GetInt64() == Nanoseconds(grace.GetString()!));
        }

        foreach (var kept in HealthCheckKeys(service, container))
        {
            yield return kept;
        }

        if (service.TryGetProperty("deploy", out var deploy) && deploy.TryGetProperty("resources", out var resources))
        {
            foreach (var (kind, field) in new[] { ("limits", "Limits"), ("reservations", "Reservations") })
            {
                if (!resources.TryGetProperty(kind, out var declared))
                {
                    continue;
                }

                var kept = task.TryGetProperty("Resources", out var keptResources) && keptResources.TryGetProperty(field, out var k) ? k : default;
                if (declared.TryGetProperty("cpus", out var cpus))
                {
                    var nanoCpus = (long)(double.Parse(cpus.ToString(), CultureInfo.InvariantCulture) * 1e9);
                    yield return ($"deploy.resources.{kind}.cpus", kept.ValueKind == JsonValueKind.Object && kept.TryGetProperty("NanoCPUs", out var n) && n.GetInt64() == nanoCpus);
                }

                if (declared.TryGetProperty("memory", out var memory))
                {
                    var bytes = long.Parse(memory.ToString(), CultureInfo.InvariantCulture);
                    yield return ($"deploy.resources.{kind}.memory", kept.ValueKind == JsonValueKind.Object && kept.TryGetProperty("MemoryBytes", out var m) && m.GetInt64() == bytes);
                }
            }
        }
    }

    /// <summary>The health check's timing: what the orchestrator restarts on and how soon a new replica counts as started.</summary>
    private static IEnumerable<(string Key, bool Kept)> HealthCheckKeys(JsonElement service, JsonElement container)
    {
        if (!service.TryGetProperty("healthcheck", out var health))
        {
            yield break;
        }

        var kept = container.TryGetProperty("Healthcheck", out var keptHealth) ? keptHealth : default;
        if (health.TryGetProperty("disable", out var disable) && disable.GetBoolean())
        {
            yield return ("healthcheck.disable", kept.ValueKind == JsonValueKind.Object
                && kept.GetProperty("Test").EnumerateArray().Select(t => t.GetString()).SequenceEqual(["NONE"]));
            yield break;
        }

        foreach (var (key, field) in new[] { ("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod"), ("start_interval", "StartInterval") })
        {
            if (health.TryGetProperty(key, out var duration))
            {
                yield return ($"healthcheck.{key}", kept.ValueKind == JsonValueKind.Object && kept.TryGetProperty(field, out var keptDuration)
                    && keptDuration.GetInt64() == Nanoseconds(duration.GetString()!));
            }
        }

        if (health.TryGetProperty("retries", out var retries))
        {
            yield return ("healthcheck.retries", kept.ValueKind == JsonValueKind.Object && kept.TryGetProperty("Retries", out var keptRetries)
                && keptRetries.GetInt32() == retries.GetInt32());
        }
    }

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>A duration as compose prints it, the way Go does ("30s", "1m30s"), in nanoseconds as Swarm keeps it.</summary>
    private static long Nanoseconds(string duration)
    {
        var match = DurationPattern().Match(duration);
        Assert.True(match.Success, $"unexpected duration {duration}");
        var minutes = match.Groups[1].Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return ((minutes * 60) + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)) * 1_000_000_000L;
    }

    /// <summary>The keys in the first column of docs/operations.md's table of compose-only keys.</summary>
    private static HashSet<string> ComposeOnlyKeys(string operations)
    {
        var section = operations[operations.IndexOf("## What Swarm keeps of the compose file", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        return [.. ComposeOnlyRow().Matches(section).Select(m => m.Groups[1].Value)];
    }

    private async Task<JsonElement> ResolvedComposeAsync()
    {
        var files = stack.ProdFiles["PROD_FILES=".Length..].Split(' ');
        var config = (await stack.Workspace.Repository.RunAsync(await Tools.DockerComposeAsync(),
            ["compose", .. files.SelectMany(f => new[] { "-f", f }), "config", "--format", "json"])).EnsureSuccess().StandardOutput;
        return JsonDocument.Parse(config).RootElement.Clone();
    }

    [GeneratedRegex(@"^\| `([a-z_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ComposeOnlyRow();

    [GeneratedRegex(@"^(?:(\d+)m)?(\d+)s$")]
    private static partial Regex DurationPattern();
}
