using DotNet.Testcontainers.Containers;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// One datastore for the integration tests: the server named by an environment variable (CI services),
/// else a throwaway Testcontainers container, else unavailable with the reason, which turns the tests into skips.
/// Each store of the service is one subclass in its own file (TestDatastore.Postgres.cs, ...), which also adds it
/// to <see cref="ServiceFixture"/>.
/// </summary>
public abstract class TestDatastore(string name, string healthCheck, string environmentVariable) : IAsyncDisposable
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
            (container, var connectionString) = CreateContainer();
            await container.StartAsync();
            ConnectionString = connectionString();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            UnavailableReason = $"{name} is unavailable: set {environmentVariable} or run Docker ({exception.GetType().Name}: {exception.Message.Split('\n')[0]})";
            await DisposeAsync();
        }
    }

    /// <summary>
    /// The service's settings for this store: the test class's own database or key prefix (named
    /// <paramref name="isolation"/>) on the server, or an address where nothing answers when it is unavailable.
    /// </summary>
    public abstract IEnumerable<KeyValuePair<string, string?>> Settings(string isolation);

    /// <summary>Makes the isolated store ready for the service (its schema), once the service is built.</summary>
    public virtual Task PrepareAsync(IServiceProvider services) => Task.CompletedTask;

    /// <summary>Removes what the test class left on the server.</summary>
    public virtual Task CleanUpAsync(IServiceProvider services, string isolation) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync();
            container = null;
        }

        GC.SuppressFinalize(this);
    }

    protected abstract (IContainer Container, Func<string> ConnectionString) CreateContainer();
}
