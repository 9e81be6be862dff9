using System.Collections.Concurrent;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Format;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>
/// Issues the <c>X-Api-Key-Token</c> JWT for a verified key, workspace and audience (the cluster forwarded to). A token
/// is reused until a third of its lifetime is left, so the hot path is one dictionary lookup. An entry is tied to
/// the <see cref="CachedKey"/> object it was made from and the signing key: a changed key (scopes, owner, mode,
/// expiry) arrives as a new cache object, a rotation as a new signing key, and either mints afresh, so no token
/// carries stale claims or an unpublished key.
/// </summary>
internal sealed class IdentityTokenIssuer(SigningKeys keys, TimeProvider time, IOptions<IdentityTokenOptions> options)
{
    /// <summary>Tokens held at most; past it the cache starts over (about 1 KB each).</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<TokenSubject, IssuedToken> _tokens = new();
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly string _issuer = options.Value.Issuer;
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.LifetimeSeconds);

    public int Count => _tokens.Count;

    public string GetToken(CachedKey key, string workspaceId, string audience)
    {
        var signer = keys.Set.Current;
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(new TokenSubject(key.Key.Id, workspaceId, audience), out var issued)
            && ReferenceEquals(issued.Key, key) && ReferenceEquals(issued.Signer, signer) && now < issued.RefreshAt && now >= issued.IssuedAt)
        {
            return issued.Token;
        }
        return Issue(key, workspaceId, audience, signer, now);
    }

    private string Issue(CachedKey cached, string workspaceId, string audience, SigningKey signer, DateTimeOffset now)
    {
        var key = cached.Key;
        // JWT times are whole seconds; a key about to expire gets a token that expires with it.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expires = issuedAt + _lifetime;
        if (key.ExpiresAt is { } keyExpires && keyExpires < expires)
        {
            expires = DateTimeOffset.FromUnixTimeSeconds(Math.Max(keyExpires.ToUnixTimeSeconds(), issuedAt.ToUnixTimeSeconds() + 1));
        }
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = key.Id,
            [IdentityTokenClaims.WorkspaceId] = workspaceId,
            [IdentityTokenClaims.Scope] = string.Join(' ', key.Scopes),
            [IdentityTokenClaims.Mode] = key.Mode.ToWire(),
        };
        if (!string.IsNullOrEmpty(key.Owner))
        {
            claims[IdentityTokenClaims.Owner] = key.Owner;
        }
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = signer.Credentials,
        });
        if (_tokens.Count >= MaxEntries)
        {
            // Bounded: many keys x workspaces x clusters start the cache over rather than growing memory.
            _tokens.Clear();
        }
        var refreshAt = expires - (expires - issuedAt) / 3;
        _tokens[new TokenSubject(key.Id, workspaceId, audience)] = new IssuedToken(cached, signer, token, issuedAt, refreshAt);
        return token;
    }

    private readonly record struct TokenSubject(string KeyId, string WorkspaceId, string Audience);

    private sealed record IssuedToken(CachedKey Key, SigningKey Signer, string Token, DateTimeOffset IssuedAt, DateTimeOffset RefreshAt);
}
