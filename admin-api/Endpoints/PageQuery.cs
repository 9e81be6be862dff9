using ApiGateway.AdminApi.Validation;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary><c>?limit=</c> (default 50, 1-200) and <c>?offset=</c> (default 0).</summary>
internal static class PageQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static (int Limit, int Offset) Validate(int? limit, int? offset, ValidationErrors errors)
    {
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit must be 1-{MaxLimit}.");
        }
        if (offset < 0)
        {
            errors.Add("offset", "offset must be 0 or more.");
        }
        return (limit ?? DefaultLimit, offset ?? 0);
    }
}
