namespace ApiGateway.Keys.Storage;

/// <summary>Brings the store's schema to this build's version; safe when several processes run it at once.</summary>
public interface IStoreMigrator
{
    Task<int> MigrateAsync(CancellationToken cancellationToken);
}
