using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Metrics;

/// <summary>
/// Bounds the <c>key_id</c> label: the first <see cref="MetricsOptions.MaxKeyLabels"/> distinct key ids seen keep their
/// own value, later ones are counted as <c>other</c>, requests without a key as <c>none</c>. Key ids are public
/// identifiers (<c>key_…</c>), never secrets or hashes.
/// </summary>
internal sealed class KeyIdLabels(IOptions<MetricsOptions> options)
{
    public const string None = "none";
    public const string Other = "other";

    private readonly int _max = options.Value.MaxKeyLabels;
    private readonly ConcurrentDictionary<string, string> _admitted = new(StringComparer.Ordinal);
    private readonly Lock _admission = new();
    private int _count;

    /// <summary>How many key ids have their own label value.</summary>
    public int Count => Volatile.Read(ref _count);

    public string Label(string? keyId)
    {
        if (keyId is null)
        {
            return None;
        }
        if (_admitted.TryGetValue(keyId, out var label))
        {
            return label;
        }
        return Volatile.Read(ref _count) >= _max ? Other : Admit(keyId);
    }

    private string Admit(string keyId)
    {
        lock (_admission)
        {
            if (_admitted.TryGetValue(keyId, out var label))
            {
                return label;
            }
            if (_count >= _max)
            {
                return Other;
            }
            _admitted[keyId] = keyId;
            Volatile.Write(ref _count, _count + 1);
            return keyId;
        }
    }
}
