using Serilog;

// The container's health check starts this executable every interval: it answers before the runtime loads
// anything of the web host, which lives in ServeAsync for that reason (docs/architecture.md).
if (SelfProbe.IsRequested(args))
{
    return SelfProbe.Run();
}

return await ServeAsync(args);

static async Task<int> ServeAsync(string[] args)
{
    if (VersionCommand.IsRequested(args))
    {
        return VersionCommand.Run();
    }

    Log.Logger = StartupLog.Create();
    try
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.Configuration.AddSecretFiles();
        builder.AddStructuredLogging();
        builder.AddTracing();
        builder.AddManagementPort();
        builder.AddApiDefaults();
        //#if (jwt)
        builder.AddAuth();
        //#endif
        builder.AddProtections();
        builder.AddHealth();
        builder.AddDatastores();
        builder.AddFeatures();

        var app = builder.Build();

        app.UseManagementPort();
        app.UseApiDefaults();
        app.UseProtections();
        //#if (jwt)
        app.UseAuth();
        //#endif
        app.UseHttpRequestMetrics();
        app.MapHealthEndpoints();
        app.MapApiReference();
        app.MapFeatures();

        return await app.RunOrExecuteCommandAsync(args);
    }
    catch (Exception exception) when (exception is not HostAbortedException)
    {
        StartupLog.Fatal(exception);
        return 1;
    }
    finally
    {
        await Log.CloseAndFlushAsync();
    }
}

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
