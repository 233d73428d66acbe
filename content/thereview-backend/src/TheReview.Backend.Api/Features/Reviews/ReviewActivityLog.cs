namespace TheReview.Backend.Api.Features.Reviews;

/// <summary>What happened to a review.</summary>
public enum ReviewAction
{
    Created,
    Updated,
    Deleted,
}

/// <summary>
/// The audit trail of review changes: what happened, to which review, and who did it. Recording is best effort: a
/// failure is logged, the write it describes stands.
/// </summary>
public interface IReviewActivityLog
{
    Task RecordAsync(Guid reviewId, ReviewAction action, string actor, CancellationToken cancellationToken);
}
