using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Endpoints;

/// <summary>
/// A key's plaintext and hash appear only in its creation response: never in list, get, audit or admin-key responses,
/// and never in any log line, whatever the level.
/// </summary>
public sealed class KeySecretsTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lifecycle_NoPlaintextOrHashOutsideCreationResponses()
    {
        using var owner = factory.CreateOwnerClient();
        var secrets = new List<string> { AdminApiFactory.OwnerCredential };
        var bodies = new List<string>();

        using var adminResponse = await owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "ops" }), Ct);
        var admin = await ApiAssert.JsonAsync(adminResponse, HttpStatusCode.Created);
        secrets.Add(admin.Str("key"));
        using var asAdmin = factory.CreateClient(admin.Str("key"));

        var body = KeyRequests.Valid("secret-owner");
        body["quota"] = new JsonObject { ["daily"] = 10 };
        var key = await asAdmin.MintAsync(body);
        secrets.Add(key.Str("key"));
        var id = key.Str("id");
        (await asAdmin.PatchJsonAsync($"/v1/keys/{id}", """{ "scopes": ["*"] }""")).Dispose();
        using var rotateResponse = await asAdmin.PostAsync($"/v1/keys/{id}/rotate", KeyRequests.Json(new { gracePeriodSeconds = 30 }), Ct);
        var successor = await ApiAssert.JsonAsync(rotateResponse, HttpStatusCode.Created);
        secrets.Add(successor.Str("key"));
        (await asAdmin.DeleteAsync($"/v1/keys/{successor.Str("id")}", Ct)).Dispose();

        // A key sent where an admin credential belongs is refused without being logged.
        using (var misuse = factory.CreateClient(key.Str("key")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await misuse.GetAsync("/v1/keys", Ct)).StatusCode);
        }

        foreach (var path in new[]
        {
            "/v1/keys", $"/v1/keys/{id}", $"/v1/keys/{successor.Str("id")}", "/v1/keys?owner=secret-owner&status=revoked",
            "/v1/audit?limit=200", $"/v1/audit?keyId={id}", "/v1/admin-keys",
        })
        {
            using var response = await owner.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        var logs = factory.Logs.AllText;
        Assert.NotEmpty(factory.Logs.Lines);
        foreach (var secret in secrets)
        {
            foreach (var form in SecretForms(secret))
            {
                Assert.DoesNotContain(form, logs, StringComparison.Ordinal);
                Assert.All(bodies, b => Assert.DoesNotContain(form, b, StringComparison.Ordinal));
            }
        }
    }

    /// <summary>The plaintext and the usual renderings of its SHA-256 hash.</summary>
    private static IEnumerable<string> SecretForms(string secret)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var base64 = Convert.ToBase64String(hash);
        return [secret, Convert.ToHexStringLower(hash), Convert.ToHexString(hash), base64, base64.TrimEnd('=').Replace('+', '-').Replace('/', '_')];
    }
}
