using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Bootstrap;
using ApiGateway.AdminApi.ChangeFeed;
using ApiGateway.AdminApi.WebConsole;
using ApiGateway.AdminApi.Endpoints;
using ApiGateway.AdminApi.Hosting;
using ApiGateway.AdminApi.Json;
using ApiGateway.AdminApi.OpenApi;
using ApiGateway.AdminApi.Portal;
using ApiGateway.AdminApi.Problems;
using ApiGateway.AdminApi.Scopes;
using ApiGateway.AdminApi.Tracing;
using ApiGateway.Keys.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseAppSettingsBesideBinary();  // keys/Hosting: appsettings.json from next to the binary when run from elsewhere
builder.UseDefaultUrlsUnlessConfigured(); // Hosting/: Urls / ASPNETCORE_URLS, else http://127.0.0.1:8081
builder.AddTrustedProxies();       // Hosting/: Admin:TrustedProxies for ASP.NET Core's forwarded headers
builder.AddScopeCatalogue();       // Scopes/: catalogue from Gateway:RoutesFile (a bad file stops the start first)
builder.AddAdminStore();           // keys/: SQLite, migrations, then the bootstrap owner credential
builder.AddAdminJson();            // Json/: camelCase, UTC 'Z' times, unknown fields refused
builder.AddAdminProblems();        // Problems/: RFC 9457 for every error, 64 KB bodies
builder.AddAdminAuthentication();  // Authentication/: Bearer admin credentials, owner/admin policies
builder.AddKeyManagement();        // Endpoints/ + Validation/
builder.AddAdminOpenApi();         // OpenApi/: /openapi/v1.json
builder.AddAdminConsole();         // Console/: the web console at /console (cookie sign-in, Razor Pages)
builder.AddSelfServePortal();      // Areas/Portal/: POST /v1/portal-sessions and the self-serve key page at /portal
builder.AddKeyChangePublishing();  // ChangeFeed/: with RateLimits:Redis, 'keys:changed' on Redis after each committed key mutation
builder.AddAdminTracing();         // Tracing/: OTLP traces + metrics only when OTEL_EXPORTER_OTLP_ENDPOINT is set

var app = builder.Build();
app.UseTrustedProxies();           // Hosting/: forwarding headers from untrusted peers removed, a trusted proxy's applied
app.UseAdminProblems();
app.UseAuthentication();
app.UseAuthorization();
app.MapAdminApi();
app.MapAdminOpenApi();
app.MapAdminConsole();              // GET / redirects to /console
app.MapPortal();
app.Run();
