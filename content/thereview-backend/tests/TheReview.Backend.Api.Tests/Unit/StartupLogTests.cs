using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Tests.Unit;

/// <summary>A start-up failure the operator must fix is one line naming the setting; anything else keeps its stack trace.</summary>
public sealed class StartupLogTests
{
    [Fact]
    public void A_setting_to_fix_is_a_configuration_mistake() =>
        Assert.True(StartupLog.IsConfigurationMistake(new InvalidSettingException("Missing secret file for setting Redis:Password.")));

    [Fact]
    public void Failed_options_validation_is_a_configuration_mistake() =>
        Assert.True(StartupLog.IsConfigurationMistake(new OptionsValidationException("Postgres", typeof(ExampleOptions), ["Missing setting ConnectionStrings:Postgres."])));

    [Fact]
    public void A_value_the_configuration_binder_cannot_convert_is_a_configuration_mistake()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Health:CheckTimeout"] = "three seconds" })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => configuration.GetSection(HealthOptions.Section).Get<HealthOptions>());

        Assert.True(StartupLog.IsConfigurationMistake(error));
        Assert.Contains("Health:CheckTimeout", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Exception> Bugs =>
    [
        new InvalidOperationException("Sequence contains no elements"),
        new FormatException("Input string was not in a correct format."),
        new UriFormatException("Invalid URI"),
        new ArgumentNullException("options"),
    ];

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Any_other_exception_is_a_bug_and_keeps_its_stack_trace(Exception bug) =>
        Assert.False(StartupLog.IsConfigurationMistake(bug));

    private sealed class ExampleOptions;
}
