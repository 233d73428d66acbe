using YamlDotNet.RepresentationModel;

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

    [Theory]
    [MemberData(nameof(ScriptTools.Both), MemberType = typeof(ScriptTools))]
    public async Task Backup_and_restore_give_the_password_in_a_config_file_or_a_variable_never_in_arguments(string tools)
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

        var environment = await ScriptTools.EnvironmentAsync(tools, new Dictionary<string, string?>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
            ["MONGO_INITDB_ROOT_USERNAME"] = "root",
            ["MONGO_INITDB_ROOT_PASSWORD_FILE"] = Path.Combine(bin, "password"),
        });
        var backup = (await Shell.RunAsync(repository.PathOf("scripts/backup-mongo.sh"), [], repository.Directory, environment)).EnsureSuccess().StandardOutput.Trim();
        (await Shell.RunAsync(repository.PathOf("scripts/restore-mongo.sh"), [backup], repository.Directory, environment)).EnsureSuccess();
        var lines = await File.ReadAllLinesAsync(record);

        Assert.Equal("archive", (await File.ReadAllTextAsync(repository.PathOf(backup))).Trim());
        Assert.Equal(3, lines.Count(line => line.StartsWith("argv: ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, line => line.StartsWith("argv: ", StringComparison.Ordinal) && line.Contains(Password, StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(line => line == $"config: password: \"{Password}\""));
        Assert.Contains($"variable: {Password}", lines);
        Figures.Report($"{tools}: mongodump, mongosh, mongorestore: the password in none of their arguments; {string.Join(" | ", lines.Where(l => l.StartsWith("argv", StringComparison.Ordinal)))}");
    }

    /// <summary>
    /// No MongoDB server runs here, so the API's user is checked against the official image's contract
    /// (docker-library/mongo's entrypoint, tests/images/README.md): on the first start it runs
    /// <c>/docker-entrypoint-initdb.d/*.js</c> in mongosh against <c>MONGO_INITDB_DATABASE</c>. The compose file must
    /// mount the script there, in the database and with the secret the API's connection names; the script itself runs
    /// under Node with what mongosh gives it (<c>db</c>, <c>require</c>, <c>process.env</c>).
    /// </summary>
    [Fact]
    public async Task The_init_script_creates_the_read_write_user_that_the_api_connects_as()
    {
        var repository = await hive.InstantiateAsync(Scenario.Default);
        var compose = new YamlStream();
        compose.Load(new StringReader(repository.Read("docker-compose.prod.yml")));
        var root = (YamlMappingNode)compose.Documents[0].RootNode;
        var mongo = (YamlMappingNode)((YamlMappingNode)root["services"])["mongo"];
        // The API's environment is the x-api-environment anchor (merged into the service with <<).
        var apiEnvironment = (YamlMappingNode)root["x-api-environment"];
        var mount = ((YamlSequenceNode)mongo["configs"]).Cast<YamlMappingNode>().Single(c => Default(c["target"]).StartsWith("/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
        var database = Default(((YamlMappingNode)mongo["environment"])["MONGO_INITDB_DATABASE"]);
        var connection = new Uri(Default(apiEnvironment["ConnectionStrings__Mongo"]));
        var passwordFile = Default(apiEnvironment["Mongo__Password_FILE"]);
        var script = repository.PathOf("deploy/mongo/app-user.js");

        Assert.EndsWith(".js", Default(mount["target"]), StringComparison.Ordinal);
        Assert.Equal("./deploy/mongo/app-user.js", Default(((YamlMappingNode)((YamlMappingNode)root["configs"])[Default(mount["source"])])["file"]));
        Assert.Equal(database, connection.AbsolutePath.Trim('/'));
        Assert.Equal($"authSource={database}", connection.Query.TrimStart('?'));
        Assert.Contains(Path.GetFileName(passwordFile), ((YamlSequenceNode)mongo["secrets"]).Select(Default));

        var secrets = PackPaths.NewTempDirectory("mongo-init");
        var password = Path.Combine(secrets, Path.GetFileName(passwordFile));
        await File.WriteAllTextAsync(password, "app-password\n");
        var created = await RunAsMongoshAsync(script, database, password);
        var missing = await RunAsMongoshAsync(script, database, Path.Combine(secrets, "absent"));

        Assert.Equal(0, created.ExitCode);
        using var users = System.Text.Json.JsonDocument.Parse(created.StandardOutput);
        var user = Assert.Single(users.RootElement.EnumerateArray());
        Assert.Equal(connection.UserInfo, user.GetProperty("user").GetString());
        Assert.Equal("app-password", user.GetProperty("pwd").GetString());
        var role = Assert.Single(user.GetProperty("roles").EnumerateArray());
        Assert.Equal(("readWrite", database), (role.GetProperty("role").GetString(), role.GetProperty("db").GetString()));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("is missing or empty (make secrets writes it)", missing.StandardError, StringComparison.Ordinal);
        Figures.Report($"{Default(mount["target"])} in {database}: creates {user.GetRawText().Replace("app-password", "***", StringComparison.Ordinal)}; the API connects as {connection.UserInfo}, authSource {database}; without the secret: exit {missing.ExitCode}");
    }

    /// <summary>The script in a Node context with what mongosh gives an init script; prints the users it created as JSON.</summary>
    private static async Task<CommandResult> RunAsMongoshAsync(string script, string database, string passwordFile)
    {
        const string Shell = """
            const vm = require('vm');
            const fs = require('fs');
            const users = [];
            const db = { getName: () => process.argv[3], createUser: user => users.push(user) };
            vm.runInNewContext(fs.readFileSync(process.argv[2], 'utf8'), { db, require, process });
            console.log(JSON.stringify(users));
            """;
        var node = TestServices.Program("node", "/usr/bin/node");
        var shim = Path.Combine(Path.GetDirectoryName(passwordFile)!, "mongosh.js");
        await File.WriteAllTextAsync(shim, Shell);
        return await Infrastructure.Shell.RunAsync(node, [shim, script, database], Path.GetDirectoryName(shim)!,
            new Dictionary<string, string?> { ["MONGO_APP_PASSWORD_FILE"] = passwordFile });
    }

    /// <summary>A compose scalar with each ${NAME:-default} replaced by its default, as .env.example leaves it.</summary>
    private static string Default(YamlNode node) =>
        System.Text.RegularExpressions.Regex.Replace(((YamlScalarNode)node).Value!, @"\$\{\w+:-([^}]*)\}", match => match.Groups[1].Value);

    private static async Task StandInAsync(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
