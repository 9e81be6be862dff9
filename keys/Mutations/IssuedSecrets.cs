using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Mutations;

/// <summary>A stored key and its plaintext, which exists only in this object and the one response built from it.</summary>
public sealed record IssuedKey(ApiKey Key, string Plaintext)
{
    public override string ToString() => $"IssuedKey {{ Id = {Key.Id} }}";
}

public sealed record IssueKeyResult(CreateKeyStatus Status, IssuedKey? Issued);

/// <summary>The successor when rotated; the old key as it now stands (null when not found).</summary>
public sealed record RotateResult(RotateKeyStatus Status, IssuedKey? Successor, ApiKey? Predecessor);

public sealed record IssuedAdminCredential(AdminCredential Credential, string Plaintext)
{
    public override string ToString() => $"IssuedAdminCredential {{ Id = {Credential.Id} }}";
}
