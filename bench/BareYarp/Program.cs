// The baseline: YARP with the same routes file as the gateway and no checks at all (no key, scope, limit, metrics).
// Routes come from Gateway:RoutesFile, like the gateway's; YARP logs at Warning (it logs every request at Information).
// With Bench:MetricsUrl set, it also listens there and answers /metrics with its managed allocation counter only (the
// gateway's dotnet_gc_allocated_bytes_total, so bench/run.sh compares both from the same run); the benchmark's routes
// never match /metrics, so a proxied request costs the same as without it.
var builder = WebApplication.CreateBuilder(args);
var routesFile = builder.Configuration["Gateway:RoutesFile"] ?? "config/routes.json";
builder.Configuration.AddJsonFile(Path.GetFullPath(routesFile), optional: false, reloadOnChange: false);
builder.Logging.AddFilter("Yarp", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
var metricsUrl = builder.Configuration["Bench:MetricsUrl"];
if (metricsUrl is not null)
{
    builder.WebHost.UseUrls([.. (builder.Configuration["Urls"] ?? "http://127.0.0.1:5000").Split(';'), metricsUrl]);
}
var app = builder.Build();
if (metricsUrl is not null)
{
    app.MapGet("/metrics", () => $"dotnet_gc_allocated_bytes_total {GC.GetTotalAllocatedBytes()}\n");
}
app.MapReverseProxy();
app.Run();
