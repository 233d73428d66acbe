namespace TheReview.Backend.Api.Datastores;

/// <summary>Registers every datastore this service was generated with.</summary>
internal static class DatastoreExtensions
{
    public static WebApplicationBuilder AddDatastores(this WebApplicationBuilder builder)
    {
        //#if (postgres)
        builder.AddPostgres();
        //#endif
        //#if (mongo)
        builder.AddMongo();
        //#endif
        //#if (redis)
        builder.AddRedis();
        //#endif
        return builder;
    }
}
