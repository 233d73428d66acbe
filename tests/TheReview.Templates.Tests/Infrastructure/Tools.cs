namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>The official tools the static checks run; each is required in CI and skips with the reason elsewhere.</summary>
public static class Tools
{
    public static string Docker => TestServices.Program("docker", "/usr/local/bin/docker", "/usr/bin/docker");

    public static string Promtool => TestServices.Program("promtool", "/usr/bin/promtool");

    public static string ShellCheck => TestServices.Program("shellcheck", "/usr/bin/shellcheck");

    public static string Make => TestServices.Program("make", "/usr/bin/make");

    public static string OpenSsl => TestServices.Program("openssl", "/usr/bin/openssl");

    public static string Git => TestServices.Program("git", "/usr/bin/git");

    public static string Curl => TestServices.Program("curl", "/usr/bin/curl");

    /// <summary>age's key generator (the age package), for the encrypted backups.</summary>
    public static string AgeKeygen => TestServices.Program("age-keygen", "/usr/bin/age-keygen");

    /// <summary>The docker CLI with the compose v2 plugin.</summary>
    public static async Task<string> DockerComposeAsync()
    {
        var docker = Docker;
        var version = await Shell.RunAsync(docker, ["compose", "version"]);
        if (version.ExitCode != 0)
        {
            TestServices.Unavailable($"the docker compose plugin is not installed ({version.Output.Trim()})");
        }

        return docker;
    }
}
