namespace ApiGateway.AdminApi.Problems;

/// <summary>The admin API's non-validation errors, one place for their titles.</summary>
internal static class AdminProblems
{
    public const int MaxBodyBytes = 64 * 1024;

    public static ProblemHttpResult KeyNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Key not found", detail: "No key has this id.");

    public static ProblemHttpResult WorkspaceLimitsNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Workspace limits not found", detail: "This workspace has no limits of its own.");

    public static ProblemHttpResult AdminKeyNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Admin credential not found", detail: "No admin credential has this id.");

    public static ProblemHttpResult OwnerLimitReached(string owner, int limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Active key limit reached",
            detail: $"Owner '{owner}' already holds {limit} active keys, the limit (Keys:MaxActivePerOwner). Revoke one first.");

    public static ProblemHttpResult RotationOverOwnerLimit(string owner, int limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Active key limit reached",
            detail: $"Owner '{owner}' already holds {limit} active keys, the limit (Keys:MaxActivePerOwner), and a grace period would keep the old key "
                + "active beside its successor. Rotate with gracePeriodSeconds 0, or revoke another key first.");

    public static ProblemHttpResult ExpiryFixedByRotation(string successorId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Key expiry cannot change",
            detail: $"expiresAt of a rotated key is the end of its grace period and cannot change; revoke it to end it now, or change {successorId}, its successor.",
            extensions: new Dictionary<string, object?> { ["field"] = "expiresAt" });

    public static ProblemHttpResult NotRotatable(string status) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Key cannot be rotated",
            detail: $"Only an active key that was not rotated yet can be rotated; this one is {status}.");

    public static ProblemHttpResult NotUpdatable(string status) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Key cannot be changed",
            detail: $"Only an active key can be changed; this one is {status}.");

    public static ProblemHttpResult LastOwner() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last owner credential",
            detail: "This is the only active owner credential; create another owner before revoking it.");

    /// <summary>Titles for responses written without a body (status code pages, binding failures).</summary>
    public static string? TitleFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed",
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => null,
    };

    public static string? DetailFor(int status) => status switch
    {
        StatusCodes.Status404NotFound => "No such resource.",
        StatusCodes.Status405MethodNotAllowed => "The resource does not support this method.",
        StatusCodes.Status413PayloadTooLarge => $"Request bodies are limited to {MaxBodyBytes / 1024} KB.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ => null,
    };
}
