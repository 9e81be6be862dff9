// The whole key flow through a Kiota-generated client: create, list, get, patch, rotate, revoke, usage, audit.
// Usage: dotnet run -- <admin API base URL>; the admin credential comes from ADMIN_CREDENTIAL (never a command line).
using AdminApi.Client;
using AdminApi.Client.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var baseUrl = args.Length == 1 ? args[0] : throw new ArgumentException("usage: KiotaFlow <admin API base URL>");
var credential = Environment.GetEnvironmentVariable("ADMIN_CREDENTIAL") ?? throw new ArgumentException("ADMIN_CREDENTIAL is not set");
var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticToken(credential))) { BaseUrl = baseUrl };
var client = new AdminApiClient(adapter);
var owner = "kiota-" + Guid.NewGuid().ToString("N")[..8];

var created = await client.V1.Keys.PostAsync(new CreateKeyRequest
{
    Name = "kiota flow",
    WorkspaceId = "ws_kiota",
    Owner = owner,
    Scopes = ["contacts:read"],
    Quota = new QuotaRequest { Daily = 1000 },
    ExpiresInDays = 30,
});
Check(created?.Key?.StartsWith("agw_live_", StringComparison.Ordinal) == true, "create returns the plaintext once");
var id = created!.Id!;
Check(created.Quota?.Daily == 1000 && created.Quota.Monthly is null, "create keeps the daily quota");
Check(created.ExpiresAt > DateTimeOffset.UtcNow.AddDays(29), "expiresAt is a date");

var listed = await client.V1.Keys.GetAsync(q => { q.QueryParameters.Owner = owner; q.QueryParameters.Limit = 10; });
Check(listed?.Items?.SingleOrDefault()?.Id == id, "list by owner finds it");

var got = await client.V1.Keys[id].GetAsync();
Check(got?.Name == "kiota flow" && got.Status == "active" && got.LastUsedAt is null, "get returns the record");

var patched = await client.V1.Keys[id].PatchAsync(new UpdateKeyRequest { Name = "kiota flow renamed" });
Check(patched?.Name == "kiota flow renamed", "patch renames");

var successor = await client.V1.Keys[id].Rotate.PostAsync(new RotateKeyRequest { GracePeriodSeconds = 60 });
Check(successor?.RotatedFrom == id && successor.Key is not null && successor.Id != id, "rotate mints a successor");

var revoked = await client.V1.Keys[successor!.Id!].DeleteAsync();
Check(revoked?.Status == "revoked" && revoked.RevokedAt is not null, "revoke ends the successor");

var usage = (await client.V1.Keys[id].GetAsync())?.Usage;
Check(usage is { Last24h: 0, Last7d: 0, Last30d: 0 }, "usage of an unused key is zero");

var audit = await client.V1.Audit.GetAsync(q => q.QueryParameters.KeyId = id);
var actions = audit?.Items?.Select(e => e.Action).ToHashSet() ?? [];
Check(actions.IsSupersetOf(["key.created", "key.updated", "key.rotated"]), $"audit lists the changes ({string.Join(", ", actions)})");

try
{
    await client.V1.Keys["key_doesnotexist0000000000"].GetAsync();
    Check(false, "an unknown id is an error");
}
catch (ProblemDetails problem)
{
    Check(problem.Status == 404 && problem.ResponseStatusCode == 404, "an unknown id is a 404 problem");
}

Console.WriteLine("flow ok");
return 0;

static void Check(bool condition, string what)
{
    if (!condition)
    {
        Console.Error.WriteLine("FAILED: " + what);
        Environment.Exit(1);
    }
    Console.WriteLine("ok: " + what);
}

internal sealed class StaticToken(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(token);
}
