using ApiGateway.AdminApi.Authentication;
using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

internal sealed partial class SignInModel(
    IAdminCredentialStore admins, KeyHasher hasher, SignInThrottle throttle, FailedSignInAudit audit, ILogger<SignInModel> logger) : PageModel
{
    public const string Refused = "That admin credential is not valid. Check it and try again.";

    public string? Error { get; private set; }

    public string? ReturnUrl { get; private set; }

    public IActionResult OnGet(string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        if (User.Identity?.IsAuthenticated == true && User.Identity.AuthenticationType == ConsoleAuthentication.Scheme)
        {
            return LocalRedirect(ReturnUrl ?? ConsoleExtensions.BasePath);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? credential, string? returnUrl, CancellationToken cancellationToken)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        var secret = credential?.Trim();
        var client = HttpContext.Connection.RemoteIpAddress;
        using var gate = await throttle.EnterAsync(SignInAttempt.From(client, secret), cancellationToken);
        if (gate.IsRefused)
        {
            // The credential is not checked while the client's or the prefix's failures are spent (docs/admin-api.md).
            await SignInThrottledProblem.WriteAsync(HttpContext, gate.RetryAfter);
            return new EmptyResult();
        }
        var admin = string.IsNullOrEmpty(secret) || secret.Length > 256
            ? null
            : await admins.FindActiveByHashAsync(hasher.Hash(secret), cancellationToken);
        if (admin is null)
        {
            var limitReached = gate.Failed();
            gate.Dispose();
            Log.SignInRefused(logger);
            await audit.RecordAsync(FailedSignInAudit.ViaConsole, client, secret, limitReached, cancellationToken);
            Error = Refused;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(ConsoleAuthentication.Scheme, ConsoleAuthentication.CreatePrincipal(admin),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        Log.SignedIn(logger, admin.Id);
        return LocalRedirect(ReturnUrl ?? ConsoleExtensions.BasePath);
    }

    /// <summary>Only console paths: an open redirect after sign-in would be a phishing aid.</summary>
    private string? SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl)
        && returnUrl.StartsWith(ConsoleExtensions.BasePath, StringComparison.Ordinal)
        && !returnUrl.StartsWith(ConsoleExtensions.BasePath + "/sign-", StringComparison.Ordinal)
            ? returnUrl
            : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Console sign-in with admin credential {CredentialId}.", EventName = "ConsoleSignedIn")]
        public static partial void SignedIn(ILogger logger, string credentialId);

        [LoggerMessage(2, LogLevel.Warning, "Console sign-in refused: unknown or revoked admin credential.", EventName = "ConsoleSignInRefused")]
        public static partial void SignInRefused(ILogger logger);
    }
}
