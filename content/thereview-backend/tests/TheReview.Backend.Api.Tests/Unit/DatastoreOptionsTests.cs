using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Tests.Unit;

public sealed class DatastoreOptionsTests
{
    [Fact]
    public void A_missing_connection_string_names_the_setting_and_its_environment_variable()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(connectionString: null));

        Assert.Contains("Missing setting ConnectionStrings:Store", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unparsable_connection_string_is_refused_without_echoing_its_value()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(connectionString: "Password=hunter2;bogus"));

        Assert.Contains("Invalid setting ConnectionStrings:Store", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_comes_from_its_own_setting()
    {
        var options = Resolve(connectionString: "valid", password: "from-secret-file");

        Assert.Equal("valid", options.ConnectionString);
        Assert.Equal("from-secret-file", options.Password);
    }

    private static StoreOptions Resolve(string? connectionString, string? password = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Store"] = connectionString,
                ["Store:Password"] = password,
            })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddDatastoreOptions<StoreOptions>("Store", options =>
        {
            if (options.ConnectionString.Contains("bogus", StringComparison.Ordinal))
            {
                throw new ArgumentException("unparsable");
            }
        });
        return services.BuildServiceProvider().GetRequiredService<IOptions<StoreOptions>>().Value;
    }

    private sealed class StoreOptions : DatastoreOptions;
}
