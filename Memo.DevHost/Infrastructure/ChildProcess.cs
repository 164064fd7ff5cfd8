using System.Diagnostics;
using System.Globalization;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// A server started as a child process: its output goes to a log file, and a watchdog kills it if this process dies first.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 60;
    private readonly Process _process;
    private readonly Process _watchdog;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        _watchdog = Watchdog.Start($"kill -KILL {process.Id.ToString(CultureInfo.InvariantCulture)} 2>/dev/null");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string LogPath { get; private init; } = "";

    /// <summary>
    /// Starts <paramref name="fileName"/>; as <paramref name="runAs"/> (via setpriv, which execs in place) when this process
    /// is root. That user keeps one capability, CAP_DAC_READ_SEARCH (read and traverse any directory, write nothing), so it
    /// can reach its files inside a checkout that only root may enter (a <c>mktemp -d</c> directory is 0700). Its
    /// environment is this process's plus <paramref name="environment"/>, or only that when <paramref name="inheritEnvironment"/> is false.
    /// </summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logPath,
        IReadOnlyDictionary<string, string>? environment = null, string? runAs = null, string? workingDirectory = null,
        bool inheritEnvironment = true)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (!inheritEnvironment)
        {
            info.Environment.Clear();
        }

        if (runAs is not null && Environment.UserName == "root")
        {
            info.FileName = "setpriv";
            foreach (var arg in new[] { $"--reuid={runAs}", $"--regid={runAs}", "--init-groups", "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--", fileName })
            {
                info.ArgumentList.Add(arg);
            }
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        return new ChildProcess(process, log) { LogPath = logPath };
    }

    /// <summary>The last lines the process wrote, for error messages; once it has exited, up to its very last.</summary>
    public string Tail()
    {
        // A process can exit before the output readers have delivered its last lines (often the ones saying why):
        // WaitForExit waits for them. Disposing has already waited.
        if (!_disposed && _process.HasExited)
        {
            _process.WaitForExit();
        }

        lock (_gate)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal: STOP freezes the process, CONT thaws it.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Sends a POSIX signal (INT, TERM, KILL...) and waits for the process to exit.</summary>
    public async Task StopAsync(string signal, TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            // A frozen process (STOP) would act on the signal only once it runs again; CONT is harmless to one that runs.
            await SignalAsync("CONT");
            await SignalAsync(signal);

            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        // Drain the output readers before the log closes.
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync("TERM", TimeSpan.FromSeconds(10));
        Watchdog.Stop(_watchdog);
        _disposed = true;
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
