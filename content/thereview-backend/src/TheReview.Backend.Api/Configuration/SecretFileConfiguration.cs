namespace TheReview.Backend.Api.Configuration;

/// <summary>
/// Lets every hierarchical setting come from a file, as Docker and Kubernetes secrets do:
/// <c>ConnectionStrings__Postgres_FILE=/run/secrets/pg</c> sets <c>ConnectionStrings:Postgres</c> to the file's content.
/// Only names containing <c>__</c> count, so unrelated variables such as <c>SSL_CERT_FILE</c> are left alone.
/// </summary>
internal static class SecretFileConfiguration
{
    public const string Suffix = "_FILE";
    public const string SecretsDirectory = "/run/secrets";

    public static IConfigurationBuilder AddSecretFiles(this IConfigurationBuilder configuration)
    {
        configuration.Add(new SecretFileConfigurationSource(Environment.GetEnvironmentVariables()));
        // Docker secrets named after a setting (ConnectionStrings__Redis) are read as they are.
        return configuration.AddKeyPerFile(SecretsDirectory, optional: true, reloadOnChange: false);
    }
}

internal sealed class SecretFileConfigurationSource(System.Collections.IDictionary environment) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SecretFileConfigurationProvider(environment);
}

internal sealed class SecretFileConfigurationProvider(System.Collections.IDictionary environment) : ConfigurationProvider
{
    public override void Load()
    {
        foreach (System.Collections.DictionaryEntry variable in environment)
        {
            var name = (string)variable.Key;
            if (!name.EndsWith(SecretFileConfiguration.Suffix, StringComparison.Ordinal) || !name.Contains("__", StringComparison.Ordinal))
            {
                continue;
            }

            var setting = name[..^SecretFileConfiguration.Suffix.Length].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            var path = variable.Value as string;
            if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
            {
                throw new InvalidSettingException(
                    $"Missing secret file for setting {setting}: {name} points to '{path}', which does not exist.");
            }

            Data[setting] = File.ReadAllText(path).TrimEnd('\r', '\n');
        }
    }
}
