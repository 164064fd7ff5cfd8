using System.Diagnostics;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// A shell that runs a clean-up command when this process dies, however it dies (even SIGKILL):
/// it blocks reading a pipe whose only writer is this process, and the kernel closes that pipe on exit.
/// </summary>
internal static class Watchdog
{
    public static Process Start(string cleanup)
    {
        var info = new ProcessStartInfo("/bin/sh", ["-c", $"read -r _; {cleanup}"])
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start /bin/sh.");
    }

    /// <summary>Ends the watchdog without running its clean-up.</summary>
    public static void Stop(Process watchdog)
    {
        if (!watchdog.HasExited)
        {
            watchdog.Kill();
            watchdog.WaitForExit();
        }

        watchdog.Dispose();
    }
}
