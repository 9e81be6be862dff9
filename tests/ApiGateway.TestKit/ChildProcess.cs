using System.Diagnostics;
using System.Net;
using System.Text;

namespace ApiGateway.TestKit;

/// <summary>
/// A real child process whose stdout and stderr are kept (for failure messages), stopped gracefully with SIGTERM
/// (<see cref="StopAsync"/>) or hard (<see cref="Kill"/>), and always killed on dispose.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name} ({fileName}).");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits until <paramref name="healthz"/> answers 200 (polled to <paramref name="timeout"/>, while this process lives);
    /// otherwise throws, naming the process with its output. Every child the tests start is ready this way.
    /// </summary>
    public async Task WaitUntilHealthyAsync(Uri healthz, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A probe that outlives its 10 s (a starting process on a busy machine) is asked again until the deadline (Poll).
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var status = await Poll.UntilAsync(
            async ct =>
            {
                if (HasExited)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
                using var response = await client.GetAsync(healthz, ct);
                return response.StatusCode;
            },
            s => s == HttpStatusCode.OK || HasExited,
            timeout,
            cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{Name} did not become healthy. {Describe()}");
        }
    }

    /// <summary>Sends SIGTERM (graceful shutdown) and waits for the exit; kills after <paramref name="timeout"/>.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }
        if (OperatingSystem.IsWindows() || !await SendSigTermAsync(_process.Id))
        {
            Kill();
            return false;
        }
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, like a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>A message naming the process, its state and its recent output, for assertion failures.</summary>
    public string Describe()
    {
        var output = Output;
        var tail = output.Length > 4000 ? output[^4000..] : output;
        var state = _process.HasExited ? $"exited with {_process.ExitCode}" : "running";
        return $"{Name} ({state}); output:\n{tail}";
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>SIGTERM through kill(1), which every Linux image has: no P/Invoke, no unsafe code.</summary>
    private static async Task<bool> SendSigTermAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        if (kill is null)
        {
            return false;
        }
        await kill.WaitForExitAsync();
        return kill.ExitCode == 0;
    }
}
