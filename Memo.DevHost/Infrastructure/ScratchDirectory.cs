using System.Diagnostics;

namespace Memo.DevHost.Infrastructure;

/// <summary>
/// A directory under the system temp folder owned by this process, removed on dispose, and removed by a watchdog if
/// this process dies without disposing it. Directories left by earlier runs whose process is gone are swept on creation.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    private const string Prefix = "memo-run-";
    private readonly Process _watchdog;

    private ScratchDirectory(string path)
    {
        Path = path;
        _watchdog = Watchdog.Start($"rm -rf '{path}'");
    }

    public string Path { get; }

    public static ScratchDirectory Create()
    {
        SweepAbandoned();
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new ScratchDirectory(path);
    }

    public string Subdirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        Watchdog.Stop(_watchdog);
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static void SweepAbandoned()
    {
        foreach (var dir in Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), Prefix + "*"))
        {
            var owner = System.IO.Path.GetFileName(dir)[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // Another sweeper got there first.
                }
            }
        }
    }
}
