namespace ApiGateway.Keys.Format;

/// <summary>The mode segment of a credential. <see cref="Admin"/> marks admin-API credentials, which the gateway never accepts.</summary>
public enum KeyMode
{
    Live,
    Test,
    Admin,
}

public static class KeyModeNames
{
    public static string ToWire(this KeyMode mode) => mode switch
    {
        KeyMode.Live => "live",
        KeyMode.Test => "test",
        KeyMode.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParse(ReadOnlySpan<char> text, out KeyMode mode)
    {
        switch (text)
        {
            case "live": mode = KeyMode.Live; return true;
            case "test": mode = KeyMode.Test; return true;
            case "admin": mode = KeyMode.Admin; return true;
            default: mode = default; return false;
        }
    }
}
