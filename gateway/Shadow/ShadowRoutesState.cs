using System.Text.Json.Serialization;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// What <c>/readyz</c> shows of <c>Gateway:ShadowRoutesFile</c> when it is set: whether the file as it is now is
/// evaluated, and if not why (<see cref="Error"/>) and whether an earlier good version still is (<see cref="Evaluating"/>);
/// <see cref="LoadedAt"/> is when the version being evaluated was read (a deploy script waits for it to move).
/// </summary>
internal sealed record ShadowRoutesState(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    bool Evaluating,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LoadedAt)
{
    public const string LoadedStatus = "loaded";
    public const string FailedStatus = "failed";

    public static ShadowRoutesState Loaded(DateTimeOffset at) => new(LoadedStatus, null, true, at);

    public static ShadowRoutesState Failed(string error, ShadowRoutesState? previous) =>
        new(FailedStatus, error, previous?.Evaluating ?? false, previous?.Evaluating == true ? previous.LoadedAt : null);
}
