using DotNet.Testcontainers.Containers;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// One datastore for the integration tests: the server named by an environment variable (CI services),
/// else a throwaway Testcontainers container, else unavailable with the reason, which turns the tests into skips.
/// </summary>
public sealed class TestDatastore(
    string name, string healthCheck, string environmentVariable, Func<(IContainer Container, Func<string> ConnectionString)> createContainer)
    : IAsyncDisposable
{
    private IContainer? container;

    public string Name => name;

    /// <summary>The name of the service's readiness check for this datastore.</summary>
    public string HealthCheck => healthCheck;

    /// <summary>The server's connection string; the fixture isolates each test class on it.</summary>
    public string? ConnectionString { get; private set; }

    public string? UnavailableReason { get; private set; }

    public async Task StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            return;
        }

        try
        {
            (container, var connectionString) = createContainer();
            await container.StartAsync();
            ConnectionString = connectionString();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            UnavailableReason = $"{name} is unavailable: set {environmentVariable} or run Docker ({exception.GetType().Name}: {exception.Message.Split('\n')[0]})";
            await DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync();
            container = null;
        }
    }
}
