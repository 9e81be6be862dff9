// The demo upstream: echoes what the gateway forwarded (method, path, query, headers), so a newcomer can see
// the injected X-Workspace-Id / X-Api-Key-Id and confirm Authorization never arrives.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://127.0.0.1:5080");
var app = builder.Build();

app.MapGet("/healthz", () => TypedResults.Text("ok"));
app.Map("/{**path}", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    return TypedResults.Json(new EchoResponse(
        request.Method,
        request.Path.Value ?? "/",
        request.QueryString.Value ?? "",
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        body.Length), EchoJsonContext.Default.EchoResponse);
});
app.Run();

internal sealed record EchoResponse(string Method, string Path, string Query, Dictionary<string, string> Headers, int BodyLength);

[System.Text.Json.Serialization.JsonSerializable(typeof(EchoResponse))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
internal sealed partial class EchoJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
