using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Bootstrap;

/// <summary>
/// Creates the first owner credential after migrations, only while no admin credential exists. A generated one is
/// printed once to stdout (never through <see cref="ILogger"/>, so it reaches no log sink); a restart prints nothing.
/// </summary>
internal sealed partial class BootstrapAdminService(KeyMutationService mutations, IOptions<AdminOptions> options, ILogger<BootstrapAdminService> logger) : IHostedService
{
    public const string Banner = "Bootstrap admin credential (shown once): ";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.BootstrapKey;
        if (string.IsNullOrEmpty(configured))
        {
            configured = null;
        }
        else if (configured.Length < AdminOptions.RecommendedBootstrapKeyLength)
        {
            // Not even the length is logged: an operator-chosen secret shows up nowhere, in no form.
            Log.ShortBootstrapKey(logger, AdminOptions.RecommendedBootstrapKeyLength);
        }

        var issued = await mutations.BootstrapAsync(configured, cancellationToken);
        if (issued is null)
        {
            return;
        }
        if (configured is null && !string.IsNullOrWhiteSpace(options.Value.BootstrapKeyFile))
        {
            await BootstrapKeyFile.WriteAsync(options.Value.BootstrapKeyFile, issued.Plaintext, cancellationToken);
            Log.GeneratedBootstrapCredentialToFile(logger, issued.Credential.Id, Path.GetFullPath(options.Value.BootstrapKeyFile));
        }
        else if (configured is null)
        {
            var console = Console.Out;
            await console.WriteLineAsync(Banner + issued.Plaintext);
            await console.FlushAsync(cancellationToken);
            Log.GeneratedBootstrapCredential(logger, issued.Credential.Id);
        }
        else
        {
            Log.ConfiguredBootstrapCredential(logger, issued.Credential.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Admin:BootstrapKey is shorter than {Recommended} characters; use at least that many random characters.", EventName = "ShortBootstrapKey")]
        public static partial void ShortBootstrapKey(ILogger logger, int recommended);

        [LoggerMessage(2, LogLevel.Information, "Created bootstrap owner credential {CredentialId} and printed it to stdout once.", EventName = "GeneratedBootstrapCredential")]
        public static partial void GeneratedBootstrapCredential(ILogger logger, string credentialId);

        [LoggerMessage(3, LogLevel.Information, "Created bootstrap owner credential {CredentialId} from Admin:BootstrapKey.", EventName = "ConfiguredBootstrapCredential")]
        public static partial void ConfiguredBootstrapCredential(ILogger logger, string credentialId);

        // Warning: someone must read the file once and delete it; the log line says where, never what.
        [LoggerMessage(4, LogLevel.Warning, "Created bootstrap owner credential {CredentialId} and wrote it to {Path} (Admin:BootstrapKeyFile): read it once, then delete the file.", EventName = "GeneratedBootstrapCredentialToFile")]
        public static partial void GeneratedBootstrapCredentialToFile(ILogger logger, string credentialId, string path);
    }
}
