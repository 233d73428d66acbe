using System.ComponentModel.DataAnnotations;

namespace TheReview.Backend.Api.Tests.Unit;

public sealed class ReviewRequestValidationTests
{
    [Fact]
    public void A_complete_request_is_valid() =>
        Assert.Empty(Validate(new ReviewRequest("Espresso machine", 5, "Great crema.")));

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void A_rating_outside_one_to_five_is_invalid(int rating) =>
        Assert.Contains(nameof(ReviewRequest.Rating), Validate(new ReviewRequest("Subject", rating)).SelectMany(r => r.MemberNames));

    [Fact]
    public void An_empty_subject_is_invalid() =>
        Assert.Contains(nameof(ReviewRequest.Subject), Validate(new ReviewRequest("", 3)).SelectMany(r => r.MemberNames));

    [Fact]
    public void A_text_over_the_limit_is_invalid() =>
        Assert.Contains(
            nameof(ReviewRequest.Text),
            Validate(new ReviewRequest("Subject", 3, new string('x', ReviewLimits.TextLength + 1))).SelectMany(r => r.MemberNames));

    private static List<ValidationResult> Validate(ReviewRequest request)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true);
        return results;
    }
}
