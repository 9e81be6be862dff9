using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ApiGateway.AdminApi.Tests.TestSupport;

/// <summary>Every log line of a host, formatted with its state values and exception, for "no secret in logs" checks.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>Everything logged, as one string: messages, state values and exceptions.</summary>
    public string AllText => string.Join('\n', _lines.Select(l => l.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
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
