namespace TheReview.Templates.Tests.Specs.Containers;

/// <summary>
/// The files under deploy/ pass the tools of the images that will run them: <c>make prod-check</c> runs
/// <c>nginx -t</c> in NGINX_IMAGE and <c>promtool check config</c> in PROMETHEUS_IMAGE. The host's own
/// Nginx is no judge: an older one lacks what the image's has (upstream <c>resolve</c>, <c>http2 on</c>).
/// </summary>
[Tier(Tier.Containers)]
public sealed class DeployCheckTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(Scenario.ProdStackIds), MemberType = typeof(Scenario))]
    public async Task Make_prod_check_accepts_the_deploy_files_in_the_images_that_run_them(string scenario)
    {
        await DockerHost.RequireEngineAsync();
        var stack = await StackWorkspace.CreateAsync(await hive.InstantiateAsync(Scenario.ById(scenario)));

        var check = await stack.MakeAsync("prod-check");

        Assert.Contains("deploy/ checked", check.EnsureSuccess().Output, StringComparison.Ordinal);
    }

    /// <summary>A broken file stops the check, naming the file, before anything is deployed.</summary>
    [Theory]
    [InlineData("deploy/nginx/nginx.conf", "worker_processes", "worker_process", "deploy/nginx/nginx.conf is invalid (above): nothing was deployed")]
    [InlineData("deploy/prometheus/prometheus.yml", "scrape_configs:", "scrape_config:", "deploy/prometheus/prometheus.yml or deploy/prometheus/alerts.yml is invalid (above): nothing was deployed")]
    public async Task Make_prod_check_refuses_a_broken_file_naming_it(string file, string find, string replace, string message)
    {
        await DockerHost.RequireEngineAsync();
        var stack = await StackWorkspace.CreateAsync(await hive.InstantiateAsync(Scenario.Default));
        var path = stack.Repository.PathOf(file);
        var text = await File.ReadAllTextAsync(path);
        Assert.Contains(find, text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, text.Replace(find, replace, StringComparison.Ordinal));

        var check = await stack.MakeAsync("prod-check");

        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains(message, check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("deploy/ checked", check.Output, StringComparison.Ordinal);
    }
}
