using System.Text.Json.Serialization;

namespace ApiGateway.AdminApi.Leaks;

/// <summary>
/// GitHub's report and answer, in GitHub's own names. Read leniently (GitHub may add fields), unlike the admin API's
/// own bodies, and only after the signature verified.
/// </summary>
[JsonSerializable(typeof(IReadOnlyList<GitHubLeak>))]
[JsonSerializable(typeof(IReadOnlyList<GitHubLeakLabel>))]
internal sealed partial class LeaksJsonContext : JsonSerializerContext;
