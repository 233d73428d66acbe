using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Datastores;

/// <summary>
/// How to reach one datastore: <c>ConnectionStrings:{Name}</c>, plus the section <c>{Name}</c>, whose optional
/// <c>Password</c> overrides the one in the connection string, so the password alone can be a secret file.
/// </summary>
public abstract class DatastoreOptions
{
    public string ConnectionString { get; set; } = string.Empty;

    public string? Password { get; set; }
}

internal static class DatastoreOptionsExtensions
{
    /// <summary>Binds and validates a datastore's settings at start-up; errors name the setting, never its value.</summary>
    public static OptionsBuilder<TOptions> AddDatastoreOptions<TOptions>(
        this IServiceCollection services, string name, Action<TOptions> parse)
        where TOptions : DatastoreOptions
    {
        return services.AddOptions<TOptions>()
            .BindConfiguration(name)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(name) ?? string.Empty)
            .Validate(
                options => !string.IsNullOrWhiteSpace(options.ConnectionString),
                $"Missing setting ConnectionStrings:{name}. Set the environment variable ConnectionStrings__{name} (or ConnectionStrings__{name}_FILE).")
            .Validate(
                options => string.IsNullOrWhiteSpace(options.ConnectionString) || CanParse(options, parse),
                $"Invalid setting ConnectionStrings:{name}: it is not a valid {name} connection string.")
            .ValidateOnStart();
    }

    private static bool CanParse<TOptions>(TOptions options, Action<TOptions> parse)
    {
        try
        {
            parse(options);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Each client library has its own parse errors (MongoConfigurationException, ArgumentException, ...),
            // and their messages may quote the connection string with its password: only "invalid" leaves here.
            return false;
        }
    }
}
