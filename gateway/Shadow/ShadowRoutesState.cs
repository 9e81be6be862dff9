namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// What <c>/readyz</c> shows of <c>Gateway:ShadowRoutesFile</c> when it is set: whether the file as it is now is
/// evaluated, and if not why (<see cref="Error"/>) and whether an earlier good version still is (<see cref="Evaluating"/>).
/// </summary>
internal sealed record ShadowRoutesState(string Status, string? Error, bool Evaluating)
{
    public const string LoadedStatus = "loaded";
    public const string FailedStatus = "failed";

    public static ShadowRoutesState Loaded { get; } = new(LoadedStatus, null, true);

    public static ShadowRoutesState Failed(string error, bool evaluating) => new(FailedStatus, error, evaluating);
}
