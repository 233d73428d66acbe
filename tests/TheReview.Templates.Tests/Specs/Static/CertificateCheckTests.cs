namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// A production deploy refuses the self-signed certificate that <c>make certs</c> writes for development and
/// tests, before anything is deployed, and says how to provide one; a certificate from a CA passes, and so does
/// the self-signed one when ALLOW_SELF_SIGNED_CERTIFICATE=true asks for it (the test stacks).
/// </summary>
[Tier(Tier.Static)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CertificateCheckTests(TemplateHive hive)
{
    [Theory]
    [MemberData(nameof(ScriptTools.Both), MemberType = typeof(ScriptTools))]
    public async Task Make_prod_deploy_stops_on_a_self_signed_certificate_before_any_docker_command(string tools)
    {
        var repository = await PreparedCopyAsync(tools);
        var standIn = PackPaths.NewTempDirectory("docker-stand-in");
        var docker = Path.Combine(standIn, "docker");
        await File.WriteAllTextAsync(docker, $"#!/bin/sh\necho \"$*\" >> \"{standIn}/calls\"\nexit 1\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var deploy = await Shell.RunAsync(Tools.Make, ["prod-deploy"], repository.Directory,
            await ScriptTools.EnvironmentAsync(tools, new Dictionary<string, string?> { ["PATH"] = $"{standIn}:{Environment.GetEnvironmentVariable("PATH")}" }));

        Assert.NotEqual(0, deploy.ExitCode);
        Assert.Contains("secrets/tls.crt is self-signed", deploy.Output, StringComparison.Ordinal);
        Assert.Contains("ALLOW_SELF_SIGNED_CERTIFICATE=true", deploy.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(standIn, "calls")), "docker was called: " + (File.Exists(Path.Combine(standIn, "calls")) ? File.ReadAllText(Path.Combine(standIn, "calls")) : ""));
    }

    [Theory]
    [MemberData(nameof(ScriptTools.Both), MemberType = typeof(ScriptTools))]
    public async Task A_certificate_from_a_ca_passes_and_the_self_signed_one_passes_only_when_allowed(string tools)
    {
        var repository = await PreparedCopyAsync(tools);
        var check = repository.PathOf("scripts/check-certificate.sh");

        var allowed = await Shell.RunAsync(check, [], repository.Directory, await ScriptTools.EnvironmentAsync(tools, new Dictionary<string, string?> { ["ALLOW_SELF_SIGNED_CERTIFICATE"] = "true" }));
        var ca = repository.PathOf("ca");
        Directory.CreateDirectory(ca);
        (await Shell.RunAsync(Tools.OpenSsl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA", "-keyout", "ca.key", "-out", "ca.crt"], ca)).EnsureSuccess();
        (await Shell.RunAsync(Tools.OpenSsl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=orders.example.com", "-keyout", "leaf.key", "-out", "leaf.csr"], ca)).EnsureSuccess();
        (await Shell.RunAsync(Tools.OpenSsl, ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", repository.PathOf("secrets/tls.crt")], ca)).EnsureSuccess();
        var issued = await Shell.RunAsync(check, [], repository.Directory, await ScriptTools.EnvironmentAsync(tools));

        Assert.True(allowed.ExitCode == 0, allowed.Output);
        Assert.True(issued.ExitCode == 0, issued.Output);
        Assert.Contains("issued by CN", issued.Output, StringComparison.Ordinal);
        Assert.Contains("Test CA", issued.Output, StringComparison.Ordinal);
    }

    private async Task<GeneratedRepository> PreparedCopyAsync(string tools)
    {
        var copy = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var environment = await ScriptTools.EnvironmentAsync(tools);
        (await copy.RunAsync(environment, copy.PathOf("scripts/secrets.sh"))).EnsureSuccess();
        (await copy.RunAsync(environment, copy.PathOf("scripts/certs.sh"))).EnsureSuccess();
        await copy.WriteEnvAsync(new Dictionary<string, string> { ["AUTH_AUTHORITY"] = "https://login.example.com/realms/main" });
        return copy;
    }
}
