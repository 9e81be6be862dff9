namespace ApiGateway.Gateway.Authentication;

/// <summary>Moves a shared counter forward only: readers on other threads never see it go back.</summary>
internal static class InterlockedMax
{
    /// <summary>Sets <paramref name="field"/> to <paramref name="value"/> if that is larger, atomically.</summary>
    public static void Advance(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
