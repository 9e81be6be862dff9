namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>One row of the keys table: the record, its status now and its usage.</summary>
public sealed record KeyRowView(ApiKey Key, KeyStatus Status, KeyUsage Usage);
