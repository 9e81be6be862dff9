namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// One page of a list: <see cref="Total"/> counts every match, not just this page. <see cref="NextCursor"/>, where a
/// list can be long (keys, audit), is passed back as <c>?cursor=</c> for the next page; null on the last page.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset, string? NextCursor = null);
