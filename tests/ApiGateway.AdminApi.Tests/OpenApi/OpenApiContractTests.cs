using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.OpenApi;

/// <summary>
/// The published document is the contract: Redocly's recommended lint passes with zero errors, and every operation's
/// real answers (success and each documented error) match what the document says, so nothing documented goes untested.
/// </summary>
public sealed class OpenApiContractTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _owner = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Document_RedoclyRecommendedLint_NoErrors()
    {
        var redocly = ThirdPartyTools.NodeTool("redocly");
        var file = Path.Combine(factory.Database.Directory.FullName, "openapi.json");
        await File.WriteAllTextAsync(file, await _owner.GetStringAsync("/openapi/v1.json", Ct), Ct);

        var lint = await ThirdPartyTools.RunAsync(redocly,
            ["lint", file, "--config", Path.Combine(ThirdPartyTools.ClientsDirectory, "redocly.yaml"), "--format", "stylish"],
            ThirdPartyTools.ClientsDirectory, null, Ct);

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.Contains("valid", lint.Output + lint.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_Basics_BearerSchemeSummariesServerUrlAndTimes()
    {
        var document = JsonNode.Parse(await _owner.GetStringAsync("/openapi/v1.json", Ct))!;

        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["AdminCredential"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["AdminCredential"]);
        Assert.All(document["servers"]!.AsArray(), s => Assert.False(s!["url"]!.GetValue<string>().EndsWith('/')));
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).Select(o => o.Value!).ToList();
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o["summary"]?.GetValue<string>()), o["operationId"]!.ToString()));
        var record = document["components"]!["schemas"]!["KeyRecord"]!["properties"]!;
        Assert.Equal("string", record["createdAt"]!["type"]!.GetValue<string>());
        Assert.Equal(["null", "string"], record["expiresAt"]!["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Null(document["components"]!["schemas"]!["QuotaRequest"]!["required"]);
    }

    [Fact]
    public async Task Mismatch_UndocumentedMemberOrWrongType_Reported()
    {
        var contract = new PublishedContract(JsonNode.Parse(await _owner.GetStringAsync("/openapi/v1.json", Ct))!);
        var record = JsonNode.Parse((await _owner.MintAsync()).GetRawText())!.AsObject();
        record.Remove("key");
        var json = MediaTypeHeaderValue.Parse("application/json");
        Assert.Null(contract.Mismatch("GetKey", 200, json, record.ToJsonString()));

        Assert.NotNull(contract.Mismatch("GetKey", 200, json, record.DeepClone().AsObject().Also(r => r["hash"] = "x").ToJsonString()));
        Assert.NotNull(contract.Mismatch("GetKey", 200, json, record.DeepClone().AsObject().Also(r => r["createdAt"] = 5).ToJsonString()));
        Assert.NotNull(contract.Mismatch("GetKey", 200, MediaTypeHeaderValue.Parse("text/plain"), record.ToJsonString()));
        Assert.NotNull(contract.Mismatch("GetKey", 418, json, "{}"));
    }

    [Fact]
    public async Task RequestSchemas_MintAndImportItem_ListTheSameKeyFieldsFlat()
    {
        var schemas = JsonNode.Parse(await _owner.GetStringAsync("/openapi/v1.json", Ct))!["components"]!["schemas"]!;
        var mint = schemas["CreateKeyRequest"]!.AsObject();
        var item = schemas["ImportKeyItem"]!.AsObject();

        // One declaration of the fields (KeyFieldsRequest), published as each body's own properties: no allOf, no
        // discriminator, nothing required, nothing else accepted; only the end in days is a mint's, the hash and prefix an import's.
        string[] fields = ["name", "workspaceId", "scopes", "owner", "mode", "expiresAt", "tier", "rateLimit", "quota", "allowedIps", "workspaces"];
        Assert.Equal(fields.Append("expiresInDays").Order(StringComparer.Ordinal), mint["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(fields.Append("hash").Append("prefix").Order(StringComparer.Ordinal), item["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(fields, f => Assert.True(JsonNode.DeepEquals(mint["properties"]![f], item["properties"]![f]), f));
        foreach (var schema in new[] { mint, item })
        {
            Assert.Equal(["additionalProperties", "properties", "type"], schema.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
            Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        }
        Assert.Null(schemas["KeyFieldsRequest"]);
    }

    [Fact]
    public async Task EveryOperation_RealResponses_MatchDocumentedSchemas()
    {
        var contract = new PublishedContract(JsonNode.Parse(await _owner.GetStringAsync("/openapi/v1.json", Ct))!);
        var anonymous = factory.CreateClient(credential: null);
        var admin = factory.CreateClient((await _owner.PostJsonAsync("/v1/admin-keys", new JsonObject { ["name"] = "contract admin", ["role"] = "admin" })
            .ContinueWith(t => ApiAssert.JsonAsync(t.Result, System.Net.HttpStatusCode.Created), Ct).Unwrap()).Str("key"));
        var owner = "contract-" + Guid.NewGuid().ToString("N")[..8];
        var key = (await _owner.MintAsync(KeyRequests.Valid(owner))).Str("id");
        var revoked = (await _owner.MintAsync(KeyRequests.Valid())).Str("id");
        (await _owner.DeleteAsync($"/v1/keys/{revoked}", Ct)).Dispose();
        var rotatable = (await _owner.MintAsync(KeyRequests.Valid())).Str("id");
        var adminKeys = JsonNode.Parse(await _owner.GetStringAsync("/v1/admin-keys", Ct))!["items"]!.AsArray();
        var bootstrapOwner = adminKeys.Single(k => k!["role"]!.GetValue<string>() == "owner")!["id"]!.GetValue<string>();
        var spare = (await ApiAssert.JsonAsync(await _owner.PostJsonAsync("/v1/admin-keys", new JsonObject { ["name"] = "spare" }), System.Net.HttpStatusCode.Created)).Str("id");
        var huge = new string('a', 70 * 1024);
        var validKey = KeyRequests.Valid().ToJsonString();
        var covered = new HashSet<(string, string)>();
        var failures = new List<string>();

        async Task Check(string operationId, int status, HttpClient client, HttpMethod method, string url, string? body = null, string mediaType = "application/json")
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, mediaType);
            }
            using var response = await client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if ((int)response.StatusCode != status)
            {
                failures.Add($"{operationId} {method} {url}: expected {status}, got {(int)response.StatusCode}: {text}");
                return;
            }
            covered.Add((operationId, status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (contract.Mismatch(operationId, status, response.Content.Headers.ContentType, text) is { } mismatch)
            {
                failures.Add(mismatch);
            }
        }

        await Check("CreateKey", 201, _owner, HttpMethod.Post, "/v1/keys", KeyRequests.Valid().Also(b => b["quota"] = new JsonObject { ["daily"] = 5 }).ToJsonString());
        await Check("CreateKey", 400, _owner, HttpMethod.Post, "/v1/keys", """{ "name": "" }""");
        await Check("CreateKey", 401, anonymous, HttpMethod.Post, "/v1/keys", validKey);
        for (var i = 1; i < 10; i++)
        {
            (await _owner.PostJsonAsync("/v1/keys", KeyRequests.Valid(owner))).Dispose();
        }
        await Check("CreateKey", 409, _owner, HttpMethod.Post, "/v1/keys", KeyRequests.Valid(owner).ToJsonString());
        await Check("CreateKey", 413, _owner, HttpMethod.Post, "/v1/keys", huge);
        await Check("CreateKey", 415, _owner, HttpMethod.Post, "/v1/keys", validKey, "text/plain");

        await Check("ListKeys", 200, _owner, HttpMethod.Get, "/v1/keys?limit=5");
        await Check("ListKeys", 400, _owner, HttpMethod.Get, "/v1/keys?limit=abc");
        await Check("ListKeys", 401, anonymous, HttpMethod.Get, "/v1/keys");

        await Check("GetKey", 200, _owner, HttpMethod.Get, $"/v1/keys/{revoked}");
        await Check("GetKey", 401, anonymous, HttpMethod.Get, $"/v1/keys/{key}");
        await Check("GetKey", 404, _owner, HttpMethod.Get, "/v1/keys/key_nope");

        await Check("UpdateKey", 200, _owner, HttpMethod.Patch, $"/v1/keys/{key}", """{ "name": "renamed", "quota": { "monthly": 9 } }""", "application/merge-patch+json");
        await Check("UpdateKey", 400, _owner, HttpMethod.Patch, $"/v1/keys/{key}", """{ "scopes": [] }""", "application/merge-patch+json");
        await Check("UpdateKey", 401, anonymous, HttpMethod.Patch, $"/v1/keys/{key}", "{}", "application/merge-patch+json");
        await Check("UpdateKey", 404, _owner, HttpMethod.Patch, "/v1/keys/key_nope", """{ "name": "x" }""", "application/merge-patch+json");
        await Check("UpdateKey", 409, _owner, HttpMethod.Patch, $"/v1/keys/{revoked}", """{ "name": "x" }""", "application/merge-patch+json");
        await Check("UpdateKey", 413, _owner, HttpMethod.Patch, $"/v1/keys/{key}", huge, "application/merge-patch+json");
        await Check("UpdateKey", 415, _owner, HttpMethod.Patch, $"/v1/keys/{key}", "{}", "text/plain");

        await Check("RotateKey", 201, _owner, HttpMethod.Post, $"/v1/keys/{rotatable}/rotate", """{ "gracePeriodSeconds": 60 }""");
        await Check("RotateKey", 400, _owner, HttpMethod.Post, $"/v1/keys/{key}/rotate", """{ "gracePeriodSeconds": -1 }""");
        await Check("RotateKey", 401, anonymous, HttpMethod.Post, $"/v1/keys/{key}/rotate", "{}");
        await Check("RotateKey", 404, _owner, HttpMethod.Post, "/v1/keys/key_nope/rotate", "{}");
        await Check("RotateKey", 409, _owner, HttpMethod.Post, $"/v1/keys/{revoked}/rotate", "{}");
        await Check("RotateKey", 413, _owner, HttpMethod.Post, $"/v1/keys/{key}/rotate", huge);
        await Check("RotateKey", 415, _owner, HttpMethod.Post, $"/v1/keys/{key}/rotate", "{}", "text/plain");

        await Check("RevokeKey", 200, _owner, HttpMethod.Delete, $"/v1/keys/{revoked}");
        await Check("RevokeKey", 401, anonymous, HttpMethod.Delete, $"/v1/keys/{key}");
        await Check("RevokeKey", 404, _owner, HttpMethod.Delete, "/v1/keys/key_nope");

        await Check("ListAuditEvents", 200, _owner, HttpMethod.Get, $"/v1/audit?keyId={key}");
        await Check("ListAuditEvents", 400, _owner, HttpMethod.Get, "/v1/audit?limit=0");
        await Check("ListAuditEvents", 401, anonymous, HttpMethod.Get, "/v1/audit");

        await Check("CreateAdminKey", 201, _owner, HttpMethod.Post, "/v1/admin-keys", """{ "name": "ops" }""");
        await Check("CreateAdminKey", 400, _owner, HttpMethod.Post, "/v1/admin-keys", """{ "name": "ops", "role": "root" }""");
        await Check("CreateAdminKey", 401, anonymous, HttpMethod.Post, "/v1/admin-keys", """{ "name": "ops" }""");
        await Check("CreateAdminKey", 403, admin, HttpMethod.Post, "/v1/admin-keys", """{ "name": "ops" }""");
        await Check("CreateAdminKey", 413, _owner, HttpMethod.Post, "/v1/admin-keys", huge);
        await Check("CreateAdminKey", 415, _owner, HttpMethod.Post, "/v1/admin-keys", """{ "name": "ops" }""", "text/plain");

        await Check("ListAdminKeys", 200, _owner, HttpMethod.Get, "/v1/admin-keys");
        await Check("ListAdminKeys", 400, _owner, HttpMethod.Get, "/v1/admin-keys?limit=x");
        await Check("ListAdminKeys", 401, anonymous, HttpMethod.Get, "/v1/admin-keys");
        await Check("ListAdminKeys", 403, admin, HttpMethod.Get, "/v1/admin-keys");

        await Check("RevokeAdminKey", 200, _owner, HttpMethod.Delete, $"/v1/admin-keys/{spare}");
        await Check("RevokeAdminKey", 401, anonymous, HttpMethod.Delete, $"/v1/admin-keys/{spare}");
        await Check("RevokeAdminKey", 403, admin, HttpMethod.Delete, $"/v1/admin-keys/{spare}");
        await Check("RevokeAdminKey", 404, _owner, HttpMethod.Delete, "/v1/admin-keys/adm_nope");
        await Check("RevokeAdminKey", 409, _owner, HttpMethod.Delete, $"/v1/admin-keys/{bootstrapOwner}");

        var portalSession = """{ "workspaceId": "ws_contract", "owner": "user_1", "allowedScopes": ["contacts:read"] }""";
        await Check("CreatePortalSession", 201, _owner, HttpMethod.Post, "/v1/portal-sessions", portalSession);
        await Check("CreatePortalSession", 400, _owner, HttpMethod.Post, "/v1/portal-sessions", """{ "workspaceId": "ws_contract", "owner": "user_1", "allowedScopes": ["nope:read"] }""");
        await Check("CreatePortalSession", 401, anonymous, HttpMethod.Post, "/v1/portal-sessions", portalSession);
        await Check("CreatePortalSession", 413, _owner, HttpMethod.Post, "/v1/portal-sessions", huge);
        await Check("CreatePortalSession", 415, _owner, HttpMethod.Post, "/v1/portal-sessions", portalSession, "text/plain");

        var imported = new JsonObject { ["keys"] = new JsonArray(KeyRequests.Valid().Also(k =>
        {
            k["hash"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
            k["prefix"] = "imp_contract";
        })) }.ToJsonString();
        await Check("ImportKeys", 201, _owner, HttpMethod.Post, "/v1/keys/import", imported);
        await Check("ImportKeys", 400, _owner, HttpMethod.Post, "/v1/keys/import", """{ "keys": [] }""");
        await Check("ImportKeys", 401, anonymous, HttpMethod.Post, "/v1/keys/import", imported);
        await Check("ImportKeys", 403, admin, HttpMethod.Post, "/v1/keys/import", imported);
        await Check("ImportKeys", 409, _owner, HttpMethod.Post, "/v1/keys/import", imported);
        await Check("ImportKeys", 413, _owner, HttpMethod.Post, "/v1/keys/import", new string('a', 2100 * 1024));
        await Check("ImportKeys", 415, _owner, HttpMethod.Post, "/v1/keys/import", imported, "text/plain");

        await Check("ListShadowDecisions", 200, _owner, HttpMethod.Get, "/v1/shadow-decisions");
        await Check("ListShadowDecisions", 400, _owner, HttpMethod.Get, "/v1/shadow-decisions?outcome=bogus");
        await Check("ListShadowDecisions", 401, anonymous, HttpMethod.Get, "/v1/shadow-decisions");

        var webhookBody = """{ "url": "https://hooks.example.com/agw", "events": ["*"] }""";
        using (var created = await _owner.PostJsonAsync("/v1/webhooks", JsonNode.Parse(webhookBody)!))
        {
            var webhook = (await ApiAssert.JsonAsync(created, System.Net.HttpStatusCode.Created)).Str("id");
            await Check("CreateWebhook", 201, _owner, HttpMethod.Post, "/v1/webhooks", webhookBody);
            await Check("CreateWebhook", 400, _owner, HttpMethod.Post, "/v1/webhooks", """{ "url": "http://127.0.0.1/x", "events": ["*"] }""");
            await Check("CreateWebhook", 401, anonymous, HttpMethod.Post, "/v1/webhooks", webhookBody);
            await Check("CreateWebhook", 413, _owner, HttpMethod.Post, "/v1/webhooks", huge);
            await Check("CreateWebhook", 415, _owner, HttpMethod.Post, "/v1/webhooks", webhookBody, "text/plain");
            await Check("ListWebhooks", 200, _owner, HttpMethod.Get, "/v1/webhooks");
            await Check("ListWebhooks", 401, anonymous, HttpMethod.Get, "/v1/webhooks");
            await Check("GetWebhook", 200, _owner, HttpMethod.Get, $"/v1/webhooks/{webhook}");
            await Check("GetWebhook", 401, anonymous, HttpMethod.Get, $"/v1/webhooks/{webhook}");
            await Check("GetWebhook", 404, _owner, HttpMethod.Get, "/v1/webhooks/wh_nope");
            await Check("ListWebhookDeliveries", 200, _owner, HttpMethod.Get, $"/v1/webhooks/{webhook}/deliveries");
            await Check("ListWebhookDeliveries", 401, anonymous, HttpMethod.Get, $"/v1/webhooks/{webhook}/deliveries");
            await Check("ListWebhookDeliveries", 400, _owner, HttpMethod.Get, $"/v1/webhooks/{webhook}/deliveries?limit=0");
            await Check("ListWebhookDeliveries", 404, _owner, HttpMethod.Get, "/v1/webhooks/wh_nope/deliveries");
            await Check("DeleteWebhook", 401, anonymous, HttpMethod.Delete, $"/v1/webhooks/{webhook}");
            await Check("DeleteWebhook", 204, _owner, HttpMethod.Delete, $"/v1/webhooks/{webhook}");
            await Check("DeleteWebhook", 404, _owner, HttpMethod.Delete, "/v1/webhooks/wh_nope");
        }

        const string WorkspaceLimits = "/v1/workspaces/ws_contract/limits";
        const string ValidLimits = """{ "tier": null, "rateLimit": { "limit": 100, "periodSeconds": 60 }, "quota": { "daily": 1000 } }""";
        await Check("SetWorkspaceLimits", 200, _owner, HttpMethod.Put, WorkspaceLimits, ValidLimits);
        await Check("SetWorkspaceLimits", 400, _owner, HttpMethod.Put, WorkspaceLimits, """{ "tier": null, "rateLimit": null, "quota": null }""");
        await Check("SetWorkspaceLimits", 401, anonymous, HttpMethod.Put, WorkspaceLimits, ValidLimits);
        await Check("SetWorkspaceLimits", 413, _owner, HttpMethod.Put, WorkspaceLimits, huge);
        await Check("SetWorkspaceLimits", 415, _owner, HttpMethod.Put, WorkspaceLimits, ValidLimits, "text/plain");
        await Check("GetWorkspaceLimits", 200, _owner, HttpMethod.Get, WorkspaceLimits);
        await Check("GetWorkspaceLimits", 401, anonymous, HttpMethod.Get, WorkspaceLimits);
        await Check("GetWorkspaceLimits", 404, _owner, HttpMethod.Get, "/v1/workspaces/ws_none/limits");
        await Check("ListWorkspaceLimits", 200, _owner, HttpMethod.Get, "/v1/workspaces/limits");
        await Check("ListWorkspaceLimits", 400, _owner, HttpMethod.Get, "/v1/workspaces/limits?limit=abc");
        await Check("ListWorkspaceLimits", 401, anonymous, HttpMethod.Get, "/v1/workspaces/limits");
        await Check("RemoveWorkspaceLimits", 401, anonymous, HttpMethod.Delete, WorkspaceLimits);
        await Check("RemoveWorkspaceLimits", 204, _owner, HttpMethod.Delete, WorkspaceLimits);

        // One closed hour of usage (the factory's clock stands at 2026-01-01T00:00Z), so the export's events meet their schema.
        var lastHour = new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero);
        await factory.Services.GetRequiredService<ApiGateway.Keys.Storage.IUsageStore>().RecordUsageAsync(
            [new ApiGateway.Keys.Model.UsageIncrement(key, lastHour, 3, lastHour, Units: 6, Refused: 1)], Ct);
        await Check("GetUsage", 200, _owner, HttpMethod.Get, "/v1/usage?from=2025-12-01&to=2026-01-01&groupBy=workspace");
        await Check("GetUsage", 400, _owner, HttpMethod.Get, "/v1/usage?from=2026-01-01");
        await Check("GetUsage", 401, anonymous, HttpMethod.Get, "/v1/usage?from=2025-12-01&to=2026-01-01");
        await Check("ExportUsage", 200, _owner, HttpMethod.Get, "/v1/usage/export?from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z&format=cloudevents");
        await Check("ExportUsage", 400, _owner, HttpMethod.Get, "/v1/usage/export?from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z&format=xml");
        await Check("ExportUsage", 401, anonymous, HttpMethod.Get, "/v1/usage/export?from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z&format=csv");

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        // The leak operations need their own factory (a GitHub public-keys file): LeakOperations_RealResponses_MatchDocumentedSchemas
        // covers them, and asserts that it does. Every other operation in the document without a case here fails this test.
        var untested = contract.DocumentedResponses().Where(r => !covered.Contains(r) && !LeakOperations.Contains(r.OperationId)).ToList();
        Assert.True(untested.Count == 0, "Documented but not exercised: " + string.Join(", ", untested));
    }

    private static readonly string[] LeakOperations = ["ReportLeaks", "ReportLeaksFromGitHub"];

    [Fact]
    public async Task LeakOperations_RealResponses_MatchDocumentedSchemas()
    {
        const string gitHubKeyId = "contract-key";
        await using var leaks = new AdminApiFactory();
        using var github = new Leaks.GitHubSigner();
        var keysFile = Path.Combine(leaks.Database.Directory.FullName, "github-keys.json");
        github.WriteDocument(keysFile, gitHubKeyId);
        leaks.With("Leaks:GitHubPublicKeysFile", keysFile);
        using var owner = leaks.CreateOwnerClient();
        using var anonymous = leaks.CreateClient(credential: null);
        var contract = new PublishedContract(JsonNode.Parse(await owner.GetStringAsync("/openapi/v1.json", Ct))!);
        var plaintext = (await owner.MintAsync()).Str("key");
        var covered = new HashSet<(string, string)>();
        var failures = new List<string>();

        async Task Check(string operationId, int status, HttpClient client, string url, string body, string? signature = null, string mediaType = "application/json")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            if (signature is not null)
            {
                request.Headers.Add("Github-Public-Key-Identifier", gitHubKeyId);
                request.Headers.Add("Github-Public-Key-Signature", signature);
            }
            using var response = await client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if ((int)response.StatusCode != status)
            {
                failures.Add($"{operationId} {url}: expected {status}, got {(int)response.StatusCode}: {text}");
                return;
            }
            covered.Add((operationId, status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (contract.Mismatch(operationId, status, response.Content.Headers.ContentType, text) is { } mismatch)
            {
                failures.Add(mismatch);
            }
        }

        var report = new JsonObject { ["keys"] = new JsonArray(plaintext, "agw_live_nope"), ["source"] = "contract" }.ToJsonString();
        await Check("ReportLeaks", 200, owner, "/v1/leaks", report);
        await Check("ReportLeaks", 400, owner, "/v1/leaks", """{ "keys": [] }""");
        await Check("ReportLeaks", 401, anonymous, "/v1/leaks", report);
        await Check("ReportLeaks", 413, owner, "/v1/leaks", new string('a', 70 * 1024));
        await Check("ReportLeaks", 415, owner, "/v1/leaks", report, mediaType: "text/plain");

        var findings = new JsonArray(new JsonObject { ["token"] = plaintext, ["type"] = "agw_api_key", ["url"] = "https://github.com/a/b", ["source"] = "content" }).ToJsonString();
        await Check("ReportLeaksFromGitHub", 200, anonymous, LeaksPath, findings, github.Sign(gitHubKeyId, Encoding.UTF8.GetBytes(findings)));
        await Check("ReportLeaksFromGitHub", 400, anonymous, LeaksPath, "{}", github.Sign(gitHubKeyId, Encoding.UTF8.GetBytes("{}")));
        await Check("ReportLeaksFromGitHub", 401, anonymous, LeaksPath, findings, github.Sign(gitHubKeyId, Encoding.UTF8.GetBytes(findings + " ")));
        var oversized = new string('a', 1100 * 1024);
        await Check("ReportLeaksFromGitHub", 413, anonymous, LeaksPath, oversized, github.Sign(gitHubKeyId, Encoding.UTF8.GetBytes(oversized)));
        await Check("ReportLeaksFromGitHub", 415, anonymous, LeaksPath, findings, github.Sign(gitHubKeyId, Encoding.UTF8.GetBytes(findings)), "text/plain");

        var gate = leaks.Services.GetRequiredService<ApiGateway.AdminApi.Leaks.GitHubReportGate>();
        var held = Enumerable.Range(0, ApiGateway.AdminApi.Leaks.GitHubReportGate.MaxInFlight).Select(_ => gate.TryEnter()).ToList();
        await Check("ReportLeaksFromGitHub", 503, anonymous, LeaksPath, findings, github.Sign(gitHubKeyId, Encoding.UTF8.GetBytes(findings)));
        held.ForEach(lease => lease.Dispose());

        await using var unset = new AdminApiFactory();
        using var unsetClient = unset.CreateClient(credential: null);
        var unsetContract = new PublishedContract(JsonNode.Parse(await unsetClient.GetStringAsync("/openapi/v1.json", Ct))!);
        using (var response = await unsetClient.PostAsync(LeaksPath, new StringContent(findings, Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(unsetContract.Mismatch("ReportLeaksFromGitHub", 404, response.Content.Headers.ContentType, await response.Content.ReadAsStringAsync(Ct)));
            covered.Add(("ReportLeaksFromGitHub", "404"));
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        var untested = contract.DocumentedResponses().Where(r => LeakOperations.Contains(r.OperationId) && !covered.Contains(r)).ToList();
        Assert.True(untested.Count == 0, "Documented but not exercised: " + string.Join(", ", untested));
    }

    private const string LeaksPath = "/v1/leaks/github";
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject value, Action<JsonObject> change)
    {
        change(value);
        return value;
    }
}
