namespace ApiGateway.AdminApi.Bootstrap;

/// <summary>
/// Writes a generated bootstrap credential to <c>Admin:BootstrapKeyFile</c>: a new file (an existing one is never
/// replaced, so a second credential cannot silently take its place), readable and writable by the owner only, so that
/// in a container the secret stays out of the log stream (docs/deploy.md "Docker Compose").
/// </summary>
internal static class BootstrapKeyFile
{
    public static async Task WriteAsync(string path, string credential, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var file = new FileStream(full, options);
        await using var writer = new StreamWriter(file);
        await writer.WriteLineAsync(credential.AsMemory(), cancellationToken);
    }
}
