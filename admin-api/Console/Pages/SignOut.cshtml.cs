using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>POST only (with the antiforgery token): a link or image cannot sign anyone out.</summary>
internal sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect(ConsoleExtensions.BasePath);

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAuthentication.Scheme);
        return Redirect(ConsoleExtensions.BasePath + "/sign-in");
    }
}
