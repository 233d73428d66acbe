namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>
/// The services the tests talk to, as .ci/run provides them. Outside CI a missing service skips the test
/// with the reason; in CI (CI=true) it fails the test, because CI must run every suite its machine can.
/// </summary>
public static class TestServices
{
    public const string PostgresVariable = "THEREVIEW_TEST_POSTGRES";
    public const string RedisVariable = "THEREVIEW_TEST_REDIS";
    public const string MongoVariable = "THEREVIEW_TEST_MONGODB";

    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { } ci && (ci == "1" || ci.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Connection string of the PostgreSQL server for the tests (user with CREATE DATABASE).</summary>
    public static string Postgres => Required(PostgresVariable, "PostgreSQL");

    public static string Redis => Required(RedisVariable, "Redis");

    /// <summary>MongoDB's positive paths run only where THEREVIEW_TEST_MONGODB names a server.</summary>
    public static string? Mongo => Environment.GetEnvironmentVariable(MongoVariable) is { Length: > 0 } mongo ? mongo : null;

    /// <summary>Skips (outside CI) or fails (in CI) the calling test.</summary>
    public static void Unavailable(string reason)
    {
        if (InCi)
        {
            Assert.Fail($"{reason}. CI requires it: .ci/run installs and starts it.");
        }

        Assert.Skip(reason);
    }

    /// <summary>Path of a program, or the test is unavailable.</summary>
    public static string Program(string name, params string[] candidates)
    {
        foreach (var candidate in candidates.Append(name))
        {
            if (Path.IsPathRooted(candidate) && File.Exists(candidate))
            {
                return candidate;
            }

            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
                .Select(directory => Path.Combine(directory, candidate))
                .FirstOrDefault(File.Exists);
            if (onPath is not null)
            {
                return onPath;
            }
        }

        Unavailable($"{name} is not installed");
        return name;
    }

    private static string Required(string variable, string service)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            Unavailable($"{service} is not configured: set {variable}");
        }

        return value!;
    }
}
