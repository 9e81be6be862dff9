// A backend behind the gateway that believes only what the gateway signed: every request needs a valid
// X-Api-Key-Token (ES256, checked against the gateway's JWKS, for this backend's cluster id). docs/identity-token.md.
using IdentityTokenBackend;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayIdentity();   // JwtBearer: token from X-Api-Key-Token, keys from GatewayIdentity:JwksUrl

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous();
app.MapCaller();                // any other path: who called, as the token says
app.Run();
