using System.Collections;

namespace TheReview.Backend.Api.Tests.Unit;

public sealed class SecretFileConfigurationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("secrets").FullName;

    [Fact]
    public void A_FILE_variable_sets_the_setting_to_the_file_content_without_the_trailing_newline()
    {
        var file = Path.Combine(directory, "postgres_password");
        File.WriteAllText(file, "s3cret\n");

        var configuration = Build(new Hashtable { ["Postgres__Password_FILE"] = file });

        Assert.Equal("s3cret", configuration["Postgres:Password"]);
    }

    [Fact]
    public void Variables_without_a_hierarchical_name_are_not_secrets()
    {
        var configuration = Build(new Hashtable { ["SSL_CERT_FILE"] = "/does/not/exist" });

        Assert.Null(configuration["SSL_CERT"]);
    }

    [Fact]
    public void A_missing_secret_file_fails_with_the_setting_name_and_no_content()
    {
        var error = Assert.Throws<InvalidSettingException>(() =>
            Build(new Hashtable { ["ConnectionStrings__Redis_FILE"] = Path.Combine(directory, "missing") }));

        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Redis_FILE", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Build(IDictionary environment) =>
        new ConfigurationBuilder().Add(new SecretFileConfigurationSource(environment)).Build();

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
