using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Gateway.Tests;

/// <summary>The log lines a test host wrote (at the host's minimum level), with their event ids, for "logged at Warning" checks.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

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

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception)));
    }
}

public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message);
