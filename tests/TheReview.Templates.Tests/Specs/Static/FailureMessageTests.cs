namespace TheReview.Templates.Tests.Specs.Static;

/// <summary>
/// CI's summary shows the start of each failure's message: a failed command names the tests its runner reported
/// failed, and the build errors, before the long command line's output.
/// </summary>
[Tier(Tier.Static)]
public sealed class FailureMessageTests
{
    [Fact]
    public void A_failed_command_names_the_failed_tests_and_their_reasons_first()
    {
        var output = string.Join('\n',
            "Running tests from /src/tests/Orders.Api.Tests/bin/Release/",
            new string('.', 12000),
            "failed Orders.Api.Tests.Integration.TracingTests.Sampling (501ms)",
            "  Assert.Equal() Failure: Values differ",
            "  Expected: 20",
            "  Actual:   21",
            "Program.cs(3,1): error CS1002: ; expected",
            "  failed: 1");
        var result = new CommandResult("dotnet test", 2, output, string.Empty);

        var message = Assert.ThrowsAny<Exception>(() => result.EnsureSuccess()).Message;

        var head = message[..Math.Min(message.Length, 400)];
        Assert.StartsWith("`dotnet test` exited 2: failed Orders.Api.Tests.Integration.TracingTests.Sampling (501ms)", head, StringComparison.Ordinal);
        Assert.Contains("Expected: 20 | Actual:   21", head, StringComparison.Ordinal);
        Assert.Contains("Program.cs(3,1): error CS1002", head, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_that_succeeded_passes()
    {
        var result = new CommandResult("dotnet test", 0, "failed: 0", string.Empty);

        Assert.Same(result, result.EnsureSuccess());
    }
}
