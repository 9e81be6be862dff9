namespace ApiGateway.AdminApi.WebConsole;

/// <summary>The admin credential behind the current console request, as re-checked by <see cref="ConsoleAuthentication"/>.</summary>
internal static class ConsoleSession
{
    private static readonly object ItemKey = new();

    public static void Set(HttpContext context, AdminCredential credential) => context.Items[ItemKey] = credential;

    /// <summary>The signed-in credential; pages behind the console policy always have one.</summary>
    public static AdminCredential Credential(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is AdminCredential credential
            ? credential
            : throw new InvalidOperationException("No console session on this request.");

    /// <summary>The audit actor for changes made from the console: the same credential id and name the API records.</summary>
    public static Actor Actor(HttpContext context)
    {
        var credential = Credential(context);
        return new Actor(credential.Id, credential.Name);
    }
}
