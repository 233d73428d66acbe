using Microsoft.EntityFrameworkCore;

namespace TheReview.Backend.Api.Datastores.Postgres;

/// <summary>The PostgreSQL schema. Each feature maps its own entities with an <see cref="IEntityTypeConfiguration{TEntity}"/>.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
}
