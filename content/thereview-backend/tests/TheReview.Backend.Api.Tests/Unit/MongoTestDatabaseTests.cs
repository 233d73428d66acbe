using TheReview.Backend.Api.Tests.Integration;

namespace TheReview.Backend.Api.Tests.Unit;

/// <summary>Each test class gets a database of its own on the test MongoDB, without losing the server's login.</summary>
public sealed class MongoTestDatabaseTests
{
    [Fact]
    public void A_test_database_on_the_official_image_still_authenticates_against_admin()
    {
        // The address Testcontainers gives for the official image: the root user, no database, so admin.
        var url = new MongoUrl(MongoTestDatastore.IsolatedUrl("mongodb://mongo:mongo@127.0.0.1:27017", "test_1"));

        Assert.Equal("test_1", url.DatabaseName);
        Assert.Equal("admin", url.AuthenticationSource);
        Assert.Equal("mongo", url.Username);
    }

    [Theory]
    [InlineData("mongodb://ci:secret@mongo:27017/?authSource=users", "users")]
    [InlineData("mongodb://ci:secret@mongo:27017/team", "team")]
    public void A_server_address_that_names_where_its_user_lives_keeps_it(string serverUrl, string authenticationSource) =>
        Assert.Equal(authenticationSource, new MongoUrl(MongoTestDatastore.IsolatedUrl(serverUrl, "test_2")).AuthenticationSource);

    [Fact]
    public void A_server_without_a_login_gets_no_authentication_source() =>
        Assert.Null(new MongoUrl(MongoTestDatastore.IsolatedUrl("mongodb://127.0.0.1:27017", "test_3")).AuthenticationSource);
}
