using System.Net.Sockets;
using System.Text;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// HTTP/1.1 over a bare socket: the exact bytes a hostile client sends (no client library to normalise headers,
/// paths or framing), and the raw answer read until the server closes or goes quiet.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, cancellationToken);
        }
        catch (IOException)
        {
            // The server may answer and close before reading everything (oversized requests); read what it said.
        }
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, quiet.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Reset after the answer, or a kept-alive connection: whatever arrived is the answer.
        }
        return RawResponse.Parse(Encoding.Latin1.GetString(buffer.ToArray()));
    }

    /// <summary>Builds a request from lines (CRLF-joined, blank line appended) and an optional raw body.</summary>
    public static byte[] Request(IEnumerable<string> lines, string body = "") =>
        Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n" + body);
}

public sealed record RawResponse(int Status, string Head, string Body, string Raw)
{
    /// <summary>Status of the first response on the connection (0 when the server answered nothing).</summary>
    public static RawResponse Parse(string raw)
    {
        var headEnd = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headEnd < 0 ? raw : raw[..headEnd];
        var body = headEnd < 0 ? "" : raw[(headEnd + 4)..];
        var status = 0;
        var parts = head.Split(' ', 3);
        if (parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            _ = int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out status);
        }
        return new RawResponse(status, head, body, raw);
    }

    /// <summary>How many HTTP responses the connection carried (a smuggled second request would add one).</summary>
    public int ResponseCount => System.Text.RegularExpressions.Regex.Count(Raw, @"(^|\r\n)HTTP/1\.[01] \d{3} ");

    public override string ToString() => Raw.Length > 2000 ? Raw[..2000] : Raw;
}
