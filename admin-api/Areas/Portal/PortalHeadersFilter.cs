using Microsoft.AspNetCore.Mvc.Filters;

namespace ApiGateway.AdminApi.Portal;

/// <summary>Puts <see cref="PortalHeaders"/> on every portal page.</summary>
internal sealed class PortalHeadersFilter(PortalHeaders headers) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        headers.Apply(context.HttpContext.Response);
        return next();
    }
}
