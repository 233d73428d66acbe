namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// The MongoDB backup and restore scripts keep the password out of every process's arguments, where ps shows it to
/// anyone on the host: mongodump and mongorestore read it from a config file, mongosh from a variable. No MongoDB
/// server runs here, so the scripts run against stand-ins that record what they were given: a <c>docker</c> that
/// runs the in-container command on this machine, and <c>mongodump</c>, <c>mongorestore</c>, <c>mongosh</c>.
/// </summary>
[Tier(Tier.Static)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MongoCredentialTests(TemplateHive hive)
{
    private const string Password = "s3cret-mongo-password";

    [Fact]
    public async Task Backup_and_restore_give_the_password_in_a_config_file_or_a_variable_never_in_arguments()
    {
        var repository = (await hive.InstantiateAsync(Scenario.Default)).Copy();
        var bin = PackPaths.NewTempDirectory("mongo-stand-ins");
        var record = Path.Combine(bin, "record.txt");
        await File.WriteAllTextAsync(Path.Combine(bin, "password"), Password);
        await StandInAsync(bin, "docker", """
            case "$1" in
              ps) echo mongo-container ;;
              exec) shift; while [ "${1#-}" != "$1" ]; do shift; done; shift; exec "$@" ;;
            esac
            """);
        foreach (var tool in new[] { "mongodump", "mongorestore", "mongosh" })
        {
            await StandInAsync(bin, tool, $$"""
                echo "argv: $0 $*" >> "{{record}}"
                for argument in "$@"; do case "$argument" in --config=*) echo "config: $(cat "${argument#--config=}")" >> "{{record}}" ;; esac; done
                [ -n "${MONGO_PASSWORD:-}" ] && echo "variable: $MONGO_PASSWORD" >> "{{record}}"
                case "$0" in *mongodump) echo archive ;; *mongosh) echo 0 ;; *mongorestore) cat > /dev/null ;; esac
                """);
        }

        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
            ["MONGO_INITDB_ROOT_USERNAME"] = "root",
            ["MONGO_INITDB_ROOT_PASSWORD_FILE"] = Path.Combine(bin, "password"),
        };
        var backup = (await Shell.RunAsync(repository.PathOf("scripts/backup-mongo.sh"), [], repository.Directory, environment)).EnsureSuccess().StandardOutput.Trim();
        (await Shell.RunAsync(repository.PathOf("scripts/restore-mongo.sh"), [backup], repository.Directory, environment)).EnsureSuccess();
        var lines = await File.ReadAllLinesAsync(record);

        Assert.Equal("archive", (await File.ReadAllTextAsync(repository.PathOf(backup))).Trim());
        Assert.Equal(3, lines.Count(line => line.StartsWith("argv: ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, line => line.StartsWith("argv: ", StringComparison.Ordinal) && line.Contains(Password, StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(line => line == $"config: password: \"{Password}\""));
        Assert.Contains($"variable: {Password}", lines);
        Figures.Report($"mongodump, mongosh, mongorestore: the password in none of their arguments; {string.Join(" | ", lines.Where(l => l.StartsWith("argv", StringComparison.Ordinal)))}");
    }

    private static async Task StandInAsync(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
