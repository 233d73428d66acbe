using Serilog;

if (SelfProbe.IsRequested(args))
{
    return await SelfProbe.RunAsync();
}

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

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
