using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ApiGateway.TestKit;

/// <summary>
/// Every log line of a host (at the host's minimum level), with its event id, state values and exception: for "logged at
/// Warning" and "no secret in logs" checks, and for reading the exception a failed start logged.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>Everything logged, as one string: messages, state values and exceptions.</summary>
    public string AllText => string.Join('\n', _lines.Select(l => l.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <summary>A typed logger into these lines, for a type a test constructs by hand.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(typeof(T).FullName!, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger<T>(string category, ConcurrentQueue<LogLine> lines) : Logger(category, lines), ILogger<T>;

    private class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString(), exception));
        }
    }
}

public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, string Values, string? Exception, Exception? Error = null)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message} | {Values} | {Exception}";
}
