namespace TheReview.Backend.Api.Tests.Unit;

public sealed class PostgresOptionsTests
{
    [Fact]
    public void Gss_encryption_is_off_unless_the_connection_string_asks_for_it()
    {
        var plain = new NpgsqlConnectionStringBuilder(new PostgresOptions { ConnectionString = "Host=db;Username=orders" }.BuildConnectionString());
        var asked = new NpgsqlConnectionStringBuilder(new PostgresOptions { ConnectionString = "Host=db;Username=orders;Gss Encryption Mode=Require" }.BuildConnectionString());

        Assert.Equal(GssEncryptionMode.Disable, plain.GssEncryptionMode);
        Assert.Equal(GssEncryptionMode.Require, asked.GssEncryptionMode);
    }

    [Fact]
    public void The_password_setting_replaces_the_one_in_the_connection_string()
    {
        var options = new PostgresOptions { ConnectionString = "Host=db;Username=orders;Password=old", Password = "from-secret-file" };

        Assert.Equal("from-secret-file", new NpgsqlConnectionStringBuilder(options.BuildConnectionString()).Password);
    }
}
