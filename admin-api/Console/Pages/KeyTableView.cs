namespace ApiGateway.AdminApi.WebConsole.Pages;

public sealed record KeyTableView(IReadOnlyList<KeyRowView> Rows, bool Actions, string Caption);
