// The baseline: YARP with the same routes file as the gateway and no checks at all (no key, scope, limit, metrics).
// Routes come from Gateway:RoutesFile, like the gateway's; YARP logs at Warning (it logs every request at Information).
var builder = WebApplication.CreateBuilder(args);
var routesFile = builder.Configuration["Gateway:RoutesFile"] ?? "config/routes.json";
builder.Configuration.AddJsonFile(Path.GetFullPath(routesFile), optional: false, reloadOnChange: false);
builder.Logging.AddFilter("Yarp", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
var app = builder.Build();
app.MapReverseProxy();
app.Run();
