namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>One row of the portal's keys table: the record, its status now and its usage.</summary>
public sealed record PortalKeyRow(ApiKey Key, KeyStatus Status, KeyUsage Usage);

/// <summary>A table of rows; <see cref="Actions"/> adds the Revoke button.</summary>
public sealed record PortalKeyTable(IReadOnlyList<PortalKeyRow> Rows, bool Actions, string Caption);
