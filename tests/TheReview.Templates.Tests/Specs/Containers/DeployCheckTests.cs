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
}
