// A SaaS backend's whole side of the self-serve key page (docs/portal.md). Its signed-in user clicks
// "Settings → API keys"; this server asks the admin API for a one-time portal URL for that user, with an admin
// credential that never leaves this server, and redirects the browser there.
using System.Net.Http.Headers;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://127.0.0.1:5090");
builder.Services.AddHttpClient("gateway-admin", client =>
{
    client.BaseAddress = new Uri(builder.Configuration["Gateway:AdminUrl"] ?? "http://127.0.0.1:8081");
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", builder.Configuration["Gateway:AdminCredential"]);
});
var app = builder.Build();

app.MapGet("/settings/api-keys", async (HttpContext context, IHttpClientFactory clients) =>
{
    var user = SignedInUser.Of(context); // your own sign-in: who this is, in which workspace, allowed to do what
    var request = new PortalSessionRequest(user.WorkspaceId, user.Id, user.Name, user.Permissions,
        TtlSeconds: 60, ReturnUrl: $"{context.Request.Scheme}://{context.Request.Host}/settings");
    using var response = await clients.CreateClient("gateway-admin").PostAsJsonAsync("/v1/portal-sessions", request, context.RequestAborted);
    response.EnsureSuccessStatusCode();
    var session = await response.Content.ReadFromJsonAsync<PortalSession>(context.RequestAborted);
    return TypedResults.Redirect(session!.Url);
});
app.MapGet("/settings", () => TypedResults.Content("""<p>Settings. <a href="/settings/api-keys">API keys</a></p>""", "text/html"));
app.Run();

internal sealed record PortalSessionRequest(string WorkspaceId, string Owner, string DisplayName, string[] AllowedScopes, int TtlSeconds, string ReturnUrl);

internal sealed record PortalSession(string Url, DateTimeOffset ExpiresAt);

/// <summary>Stands in for the SaaS's own authentication.</summary>
internal sealed record SignedInUser(string Id, string Name, string WorkspaceId, string[] Permissions)
{
    public static SignedInUser Of(HttpContext context) => new("user_42", "Ada Lovelace", "ws_acme", ["contacts:read", "invoices:read"]);
}
