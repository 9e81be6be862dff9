using Microsoft.Extensions.Configuration;

namespace ApiGateway.Keys.Routes;

/// <summary>
/// Reads a YARP routes file the way the gateway's configuration does, for both processes: JSON as configuration, so
/// section and property names compare case-insensitively and every value is a string (a number in <c>Metadata</c> is
/// read as its text), as YARP itself sees them.
/// </summary>
public static class RoutesFile
{
    /// <summary>
    /// The file's content as configuration. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>
    /// when it cannot be read, <see cref="InvalidDataException"/> when it is empty, <see cref="System.Text.Json.JsonException"/> or
    /// <see cref="FormatException"/> when it is not JSON. The file is read in one go, shared with a writer (an editor may be saving it).
    /// </summary>
    public static IConfigurationRoot Read(string path)
    {
        byte[] bytes;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var memory = new MemoryStream())
        {
            file.CopyTo(memory);
            bytes = memory.ToArray();
        }
        if (bytes.Length == 0)
        {
            throw new InvalidDataException("The file is empty.");
        }
        using var stream = new MemoryStream(bytes);
        return new ConfigurationBuilder().AddJsonStream(stream).Build();
    }
}
