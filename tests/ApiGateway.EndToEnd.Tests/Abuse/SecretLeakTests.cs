using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// Drives both real processes through the life of keys and admin credentials, the hostile way included (query-string
/// keys, bad checksums, revoked keys and credentials, Debug logging on the gateway), then scans everything they put
/// out: every line of both processes' logs, <c>/metrics</c>, the audit log, key and admin-credential lists and every
/// error body. No secret, and no hash of one (hex either case, base64, base64url), may appear.
/// </summary>
[Collection(SerialFaults.Name)]
public sealed class SecretLeakTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WholeLifecycle_NoSecretOrHashInLogsMetricsAuditOrErrors()
    {
        var settings = new Dictionary<string, string>(ProcessPair.HighLimits) { ["Logging__LogLevel__Default"] = "Debug" };
        await using var pair = await ProcessPair.StartAsync(settings, Ct);
        using var admin = pair.Admin.CreateClient();
        var secrets = new List<string> { AdminApiProcess.BootstrapKey };
        var captured = new StringBuilder();

        var (id, key) = await ProcessPair.MintAsync(admin, new { name = "leak", workspaceId = "ws_e2e", owner = "alice", scopes = new[] { "contacts:read" } }, Ct);
        var (_, other) = await ProcessPair.MintAsync(admin, new { name = "leak 2", workspaceId = "ws_e2e", mode = "test", scopes = new[] { "contacts:read" } }, Ct);
        secrets.AddRange([key, other]);

        using var anonymous = pair.Gateway.CreatePublicClient();
        async Task SendAsync(string path, params string[] authorizations)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            foreach (var authorization in authorizations)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            using var response = await anonymous.SendAsync(request, Ct);
            captured.AppendLine(await response.Content.ReadAsStringAsync(Ct)).AppendLine(response.Headers.ToString());
        }

        await SendAsync("/v1/contacts/1", $"Bearer {key}");
        await SendAsync("/v1/nowhere", $"Bearer {key}");
        await SendAsync($"/v1/contacts/1?api_key={key}", $"Bearer {key}");
        await SendAsync("/v1/contacts/1", $"Bearer {key[..^1]}x");
        await SendAsync("/v1/contacts/1", $"Bearer {key}", $"Bearer {other}");
        await SendAsync("/v1/contacts/1", $"Bearer {other}x{other}");
        using (var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct))
        {
            Assert.True(revoked.IsSuccessStatusCode);
        }
        await Poll.UntilAsync(async ct =>
        {
            using var probe = pair.Gateway.CreatePublicClient(key);
            using var response = await probe.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), ct);
            captured.AppendLine(await response.Content.ReadAsStringAsync(ct));
            return response.StatusCode;
        }, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), Ct);

        // Admin credentials: create, use, revoke, use again (401), plus a request with no credential (401).
        using var createdAdmin = await admin.PostAsJsonAsync(new Uri("/v1/admin-keys", UriKind.Relative), new { name = "temp admin", role = "admin" }, Ct);
        var createdAdminText = await createdAdmin.Content.ReadAsStringAsync(Ct);
        Assert.True(createdAdmin.StatusCode == HttpStatusCode.Created, createdAdminText);
        using var adminRecord = JsonDocument.Parse(createdAdminText);
        var adminSecret = FindSecret(adminRecord.RootElement);
        var adminId = adminRecord.RootElement.GetProperty("id").GetString()!;
        secrets.Add(adminSecret);
        using var asTempAdmin = new HttpClient { BaseAddress = pair.Admin.Address };
        asTempAdmin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {adminSecret}");
        using (var manageAdmins = await asTempAdmin.GetAsync(new Uri("/v1/admin-keys", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, manageAdmins.StatusCode); // the admin role cannot manage admin credentials
            captured.AppendLine(await manageAdmins.Content.ReadAsStringAsync(Ct));
        }
        using (var revokeAdmin = await admin.DeleteAsync(new Uri($"/v1/admin-keys/{adminId}", UriKind.Relative), Ct))
        {
            Assert.True(revokeAdmin.IsSuccessStatusCode, revokeAdmin.StatusCode.ToString());
        }
        using (var afterRevoke = await asTempAdmin.GetAsync(new Uri("/v1/keys", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
            captured.AppendLine(await afterRevoke.Content.ReadAsStringAsync(Ct));
        }
        using (var noCredential = new HttpClient { BaseAddress = pair.Admin.Address })
        using (var refused = await noCredential.GetAsync(new Uri("/v1/keys", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            captured.AppendLine(await refused.Content.ReadAsStringAsync(Ct));
        }

        using var internalClient = pair.Gateway.CreateInternalClient();
        captured.AppendLine(await internalClient.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct));
        captured.AppendLine(await admin.GetStringAsync(new Uri("/v1/audit?limit=200", UriKind.Relative), Ct));
        captured.AppendLine(await admin.GetStringAsync(new Uri("/v1/keys?limit=200", UriKind.Relative), Ct));
        captured.AppendLine(await admin.GetStringAsync(new Uri("/v1/admin-keys?limit=200", UriKind.Relative), Ct));
        // Stop gracefully so shutdown logging (flushes) is part of the scan.
        await pair.Gateway.StopAsync();
        await pair.Admin.Process.StopAsync(TimeSpan.FromSeconds(30));
        captured.AppendLine(pair.Gateway.Process.Output).AppendLine(pair.Admin.Process.Output);

        var haystack = captured.ToString();
        Assert.Contains("gateway_requests_total", haystack, StringComparison.Ordinal); // the scan really saw the metrics
        foreach (var secret in secrets)
        {
            foreach (var (form, value) in Forms(secret))
            {
                Assert.False(haystack.Contains(value, StringComparison.Ordinal), $"A secret's {form} appears in the captured output.");
            }
        }
    }

    /// <summary>The plaintext, and its SHA-256 (the unpeppered stored form) as hex either case, base64 and base64url.</summary>
    private static IEnumerable<(string Form, string Value)> Forms(string secret)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var base64 = Convert.ToBase64String(hash);
        yield return ("plaintext", secret);
        yield return ("hex hash", Convert.ToHexStringLower(hash));
        yield return ("HEX hash", Convert.ToHexString(hash));
        yield return ("base64 hash", base64.TrimEnd('='));
        yield return ("base64url hash", base64.TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }

    /// <summary>The one string property of a creation response that is the credential itself (<c>key</c> or <c>secret</c>).</summary>
    private static string FindSecret(JsonElement record)
    {
        foreach (var name in new[] { "key", "secret", "credential", "token" })
        {
            if (record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }
        }
        throw new InvalidOperationException($"No credential in the creation response: {string.Join(", ", record.EnumerateObject().Select(p => p.Name))}");
    }
}
