using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>A review of a subject, stored in PostgreSQL; its author (the caller who wrote it) owns it.</summary>
public sealed class Review : IOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Subject { get; set; }

    public required string Author { get; set; }

    public required int Rating { get; set; }

    public string? Text { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    string IOwned.Owner => Author;
}

internal sealed class ReviewConfiguration : IEntityTypeConfiguration<Review>
{
    public void Configure(EntityTypeBuilder<Review> review)
    {
        review.ToTable("reviews", table => table.HasCheckConstraint("ck_reviews_rating", "rating BETWEEN 1 AND 5"));
        review.HasKey(r => r.Id);
        review.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        review.Property(r => r.Subject).HasColumnName("subject").HasMaxLength(ReviewLimits.SubjectLength);
        review.Property(r => r.Author).HasColumnName("author").HasMaxLength(ReviewLimits.AuthorLength);
        review.Property(r => r.Rating).HasColumnName("rating");
        review.Property(r => r.Text).HasColumnName("text").HasMaxLength(ReviewLimits.TextLength);
        review.Property(r => r.CreatedAt).HasColumnName("created_at");
        review.Property(r => r.UpdatedAt).HasColumnName("updated_at");
        review.HasIndex(r => r.CreatedAt).HasDatabaseName("ix_reviews_created_at");
    }
}
