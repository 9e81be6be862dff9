namespace ApiGateway.AdminApi.Contracts;

/// <summary>One page of a list: <see cref="Total"/> counts every match, not just this page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset);
