using ApiGateway.AdminApi.Validation;

namespace ApiGateway.AdminApi.Tests.Validation;

public sealed class ValidationErrorsTests
{
    [Fact]
    public void ToForm_SeveralApiFieldsOnOneFormField_JoinedInOrderEachMessageOnce()
    {
        var errors = new ValidationErrors();
        errors.Add("url", "url is required.");
        errors.Add("events[0]", "Unknown event type.");
        errors.Add("events[1]", "Unknown event type.");
        errors.Add("events[1]", "Listed twice.");

        var form = errors.ToForm(field => field.StartsWith("events", StringComparison.Ordinal) ? "Events" : field);

        Assert.Equal(2, form.Count);
        Assert.Equal("url is required.", form["url"]);
        Assert.Equal("Unknown event type. Listed twice.", form["Events"]);
    }

    [Fact]
    public void ToForm_OneFieldManyMessages_JoinedLikeTheProblemsErrors()
    {
        var errors = new ValidationErrors();
        errors.Add("name", "name is required.");
        errors.Add("name", "name must be plain text.");

        Assert.Equal(["name is required.", "name must be plain text."], errors.ToDictionary()["name"]);
        Assert.Equal("name is required. name must be plain text.", errors.ToForm(field => field)["name"]);
    }
}
