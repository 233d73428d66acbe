using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TheReview.Backend.Api.Tests.Integration;

/// <summary>
/// The API in process (WebApplicationFactory) against real datastores. Each test class gets its own
/// databases and key prefix, so test classes can share one server of each kind.
/// THEREVIEW_TEST_REQUIRE_DATASTORES turns a missing datastore into a failure instead of a skip (CI):
/// <c>all</c> (or <c>true</c>) for every datastore, or a comma-separated list such as <c>postgres,redis</c>.
/// </summary>
public sealed partial class ServiceFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private const string RequireVariable = "THEREVIEW_TEST_REQUIRE_DATASTORES";
    private readonly string isolation = $"test_{Guid.NewGuid():N}";
    private readonly Dictionary<string, string?> settings = new()
    {
        // Request logs of every test drown the failures that matter.
        ["Serilog:MinimumLevel:Default"] = "Warning",
        // The tests read the document, which only Development serves by default.
        ["OpenApi:Enabled"] = "true",
    };

    /// <summary>Every datastore of the service: the properties that its TestDatastore.*.cs files add, in the order of their names.</summary>
    public IReadOnlyList<TestDatastore> Datastores => field ??= [.. typeof(ServiceFixture).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(property => property.PropertyType.IsAssignableTo(typeof(TestDatastore)))
        .OrderBy(property => property.Name, StringComparer.Ordinal)
        .Select(property => (TestDatastore)property.GetValue(this)!)];

    //#if (jwt)
    /// <summary>The identity provider whose tokens the API accepts (Auth:Authority).</summary>
    public TestIdentityProvider Identity { get; private set; } = null!;

    //#endif
    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Datastores.Select(store => store.StartAsync()));
        //#if (jwt)
        Identity = await TestIdentityProvider.StartAsync();
        settings["Auth:Authority"] = Identity.Authority;
        settings["Auth:RequireHttpsMetadata"] = "false";
        //#endif
        foreach (var (key, value) in Datastores.SelectMany(store => store.Settings(isolation)))
        {
            settings[key] = value;
        }

        foreach (var store in Datastores)
        {
            await store.PrepareAsync(Services);
        }
    }

    /// <summary>A client of the API whose every answer is checked against openapi/v1.json (a breach fails the request).</summary>
    public new HttpClient CreateClient() => CreateDefaultClient(new ContractCheckingHandler(ApiContract.Checked));

    /// <summary>
    /// A client of the management port (metrics, the health report), without a token. The in-memory server has
    /// no ports, so each request is given the management port as its local port, as Kestrel would.
    /// </summary>
    public HttpClient CreateManagementClient() =>
        new(Server.CreateHandler(context => context.Connection.LocalPort = ManagementPort.DefaultPort)) { BaseAddress = Server.BaseAddress };

    /// <summary>Skips the calling test, with the reason, unless every named datastore is reachable.</summary>
    public void Require(params TestDatastore[] stores)
    {
        var required = stores.Where(IsRequired).Where(store => store.UnavailableReason is not null).Select(store => store.UnavailableReason!).ToList();
        var missing = stores.Where(store => store.UnavailableReason is not null).Select(store => store.UnavailableReason!).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        if (required.Count > 0)
        {
            Assert.Fail($"{RequireVariable}={Environment.GetEnvironmentVariable(RequireVariable)} requires it, but {string.Join("; ", required)}");
        }

        Assert.Skip(string.Join("; ", missing));
    }

    /// <summary>Whether THEREVIEW_TEST_REQUIRE_DATASTORES names the datastore (by its health check name), or says all.</summary>
    public bool IsRequired(TestDatastore store)
    {
        var value = Environment.GetEnvironmentVariable(RequireVariable)?.Trim() ?? "";
        if (value.Length == 0 || value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (value.Equals("all", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(name => !Datastores.Any(s => s.HealthCheck.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(unknown.Count == 0,
            $"{RequireVariable} names {string.Join(", ", unknown)}, which this service does not have; use all, or a list of: {string.Join(", ", Datastores.Select(s => s.HealthCheck))}");
        return names.Contains(store.HealthCheck, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Skips the calling test unless every datastore of the service is reachable.</summary>
    public void RequireAll() => Require([.. Datastores]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Hosting:DrainDelay", "00:00:00");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    //#if (jwt)
    /// <summary>Clients call as a user with the write scope, unless a test sets its own Authorization header.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new("Bearer", Identity.Token());
    }

    /// <summary>A client that calls as another user of the identity provider, with these scopes.</summary>
    public HttpClient CreateClient(string subject, string scope)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Identity.Token(scope, subject: subject));
        return client;
    }

    //#endif
    public override async ValueTask DisposeAsync()
    {
        foreach (var store in Datastores)
        {
            await store.CleanUpAsync(Services, isolation);
        }

        await base.DisposeAsync();
        //#if (jwt)
        // Null when a datastore failed to start first: that failure is the one to report.
        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
        //#endif
        foreach (var store in Datastores)
        {
            await store.DisposeAsync();
        }
    }
}
