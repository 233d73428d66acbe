using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TheReview.Backend.Api.Features.StockItems;

/// <summary>
/// One stock item, stored in PostgreSQL: a name and a description to start from; add the fields it needs. The caller
/// who made it owns it.
/// </summary>
public sealed class StockItem : IOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string Owner { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class StockItemConfiguration : IEntityTypeConfiguration<StockItem>
{
    public void Configure(EntityTypeBuilder<StockItem> item)
    {
        item.ToTable("stock_items");
        item.HasKey(i => i.Id);
        item.Property(i => i.Id).HasColumnName("id").ValueGeneratedNever();
        item.Property(i => i.Name).HasColumnName("name").HasMaxLength(StockItemLimits.NameLength);
        item.Property(i => i.Description).HasColumnName("description").HasMaxLength(StockItemLimits.DescriptionLength);
        item.Property(i => i.Owner).HasColumnName("owner").HasMaxLength(Ownership.MaxOwnerLength);
        item.Property(i => i.CreatedAt).HasColumnName("created_at");
        item.Property(i => i.UpdatedAt).HasColumnName("updated_at");
        item.HasIndex(i => i.CreatedAt).HasDatabaseName("ix_stock_items_created_at");
    }
}
