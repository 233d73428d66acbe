using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace TheReview.Templates.Tests.Infrastructure;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    /// <summary>Fails the test with the command's output unless it exited 0.</summary>
    public CommandResult EnsureSuccess()
    {
        Assert.True(ExitCode == 0, $"`{Command}` exited {ExitCode}: {Failures(Output)}\n{Excerpt(Output)}");
        return this;
    }

    // What failed comes first, so that a one-line summary of the message names it: each test the runner reports
    // failed with the first lines of its reason, and each build error.
    private static string Failures(string text)
    {
        var lines = text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        var named = lines.SelectMany((line, index) => line.StartsWith("failed ", StringComparison.Ordinal)
            ? lines.Skip(index).Take(4)
            : line.Contains(": error ", StringComparison.Ordinal) ? [line] : []);
        return string.Join(" | ", named.Distinct().Take(16));
    }

    // The head names what failed (a test runner lists failures first), the tail says how the command ended.
    private static string Excerpt(string text) => text.Length <= 10000 ? text : text[..4000] + "\n...\n" + text[^6000..];
}

/// <summary>Runs external programs with a bound on their time, never through a shell.</summary>
public static class Shell
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static async Task<CommandResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var args = arguments.ToList();
        using var turn = await QuietCores.Shared.CommandAsync(QuietCores.CurrentCollection);
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, TestContext.Current.CancellationToken);
        var command = Cli.Wrap(program)
            .WithArguments(args)
            .WithWorkingDirectory(workingDirectory ?? Directory.GetCurrentDirectory())
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None);
        var text = $"{program} {string.Join(' ', args)}";
        try
        {
            var result = await command.ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8, linked.Token);
            return new CommandResult(text, result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"`{text}` did not finish within {timeout ?? DefaultTimeout}.");
        }
    }

    /// <summary>
    /// Runs the .NET CLI with telemetry, logos and lingering MSBuild nodes switched off. The C# compiler server stays
    /// on, even where the machine switches it off (UseSharedCompilation=false): one server for the run's builds keeps
    /// the compiler and the analyzers loaded and compiled, where each build would start them cold (tests/run stops it).
    /// </summary>
    public static Task<CommandResult> DotNetAsync(
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "true",
            ["NUGET_XMLDOC_MODE"] = "skip",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        return RunAsync("dotnet", arguments, workingDirectory, variables, timeout);
    }
}
