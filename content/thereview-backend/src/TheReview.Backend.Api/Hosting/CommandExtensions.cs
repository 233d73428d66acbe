using Microsoft.Extensions.Options;

namespace TheReview.Backend.Api.Hosting;

/// <summary>
/// One binary, two jobs: serve the API, or run a one-shot command such as <c>migrate</c>
/// (the production migration job runs it once, before any replica takes traffic).
/// </summary>
internal static class CommandExtensions
{
    public static async Task<int> RunOrExecuteCommandAsync(this WebApplication app, string[] args)
    {
        // Options such as --urls are the host's; a command is a leading bare word.
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        switch (command)
        {
            case "serve":
                // Every setting is checked before the host starts, so a mistake ends start-up with one line naming it.
                app.Services.GetService<IStartupValidator>()?.Validate();
                await app.RunAsync();
                return 0;
            //#if (postgres)
            case "migrate":
                await PostgresExtensions.MigrateDatabaseAsync(app.Services);
                return 0;
            //#endif
            default:
                throw new InvalidSettingException(
                    $"Unknown command '{command}'. Run without a command to serve the API; see README.md, section Commands.");
        }
    }
}
