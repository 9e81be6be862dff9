namespace ApiGateway.Keys.Model;

public static class KeyStatusNames
{
    public static string ToWire(this KeyStatus status) => status switch
    {
        KeyStatus.Active => "active",
        KeyStatus.Expired => "expired",
        KeyStatus.Revoked => "revoked",
        KeyStatus.Disabled => "disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out KeyStatus status)
    {
        switch (text)
        {
            case "active": status = KeyStatus.Active; return true;
            case "expired": status = KeyStatus.Expired; return true;
            case "revoked": status = KeyStatus.Revoked; return true;
            case "disabled": status = KeyStatus.Disabled; return true;
            default: status = default; return false;
        }
    }
}
