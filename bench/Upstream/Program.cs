// The benchmark's upstream: answers every path with a small fixed body and nothing else, so the numbers measure
// the proxy in front of it. Listens on Urls (default http://127.0.0.1:18101); no logging below Warning.
using System.Text;

var body = Encoding.UTF8.GetBytes("{\"ok\":true}");
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://127.0.0.1:18101");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.Run(context =>
{
    context.Response.StatusCode = StatusCodes.Status200OK;
    context.Response.ContentType = "application/json";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
});
app.Run();
