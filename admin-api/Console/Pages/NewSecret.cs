namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>A key's plaintext for the one response that shows it; never stored, never put in a URL or TempData.</summary>
public sealed record NewSecret(string Heading, ApiKey Key, string Plaintext, string? Note)
{
    public override string ToString() => $"NewSecret {{ Key = {Key.Id} }}";
}
