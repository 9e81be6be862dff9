namespace ApiGateway.AdminApi.Console.Pages;

public sealed record KeyTableView(IReadOnlyList<KeyRowView> Rows, bool Actions, string Caption);
