namespace TheReview.Backend.Api.Features;

/// <summary>What a caller did to a record, as the activity log records it.</summary>
public enum Change
{
    Created,
    Updated,
    Deleted,
}
