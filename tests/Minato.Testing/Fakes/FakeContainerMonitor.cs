using System.Collections.Concurrent;
using System.Globalization;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.Testing.Fakes;

/// <summary>A monitor that "creates" containers in a <see cref="FakeOciRuntime"/> and writes exit files the way conmon
/// does, into a real directory, so the service's inotify watch sees them.</summary>
public sealed class FakeContainerMonitor(string exitDirectory) : IContainerMonitor
{
    private int _nextPid = 4_000_000;

    public string ExitDirectory { get; } = exitDirectory;

    /// <summary>The runtime whose containers this monitor creates.</summary>
    public FakeOciRuntime? Runtime { get; set; }

    /// <summary>Ids whose monitor is dead (killed, or lost in a reboot).</summary>
    public ConcurrentDictionary<string, bool> Dead { get; } = new();

    /// <summary>Launches seen, in order.</summary>
    public ConcurrentQueue<ContainerLaunch> Launches { get; } = new();

    /// <summary>Bundles whose log was reopened.</summary>
    public ConcurrentQueue<string> Reopened { get; } = new();

    /// <summary>When set, the next create throws this (as conmon reports the runtime's refusal).</summary>
    public Exception? FailNext { get; set; }

    /// <summary>When true, creates never report until cancelled or timed out.</summary>
    public bool Hang { get; set; }

    public async Task<int> CreateAsync(ContainerLaunch launch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Launches.Enqueue(launch);
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        if (Hang)
        {
            await Task.Delay(timeout, cancellationToken);
            throw new OciRuntimeException($"conmon did not report the container within {timeout.TotalSeconds:0}s");
        }

        Runtime?.Created(launch.Id, this);
        return Interlocked.Increment(ref _nextPid);
    }

    public bool IsAlive(string bundleDirectory) => !Dead.ContainsKey(Path.GetFileName(bundleDirectory));

    /// <summary>When true, reopen requests are taken but the log is never reopened (a stuck conmon).</summary>
    public bool IgnoreReopen { get; set; }

    /// <summary>Takes the request and, as conmon does a moment later, creates <c>&lt;log&gt;.tmp</c> and renames it over the log path.</summary>
    public Task ReopenLogAsync(string bundleDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Reopened.Enqueue(bundleDirectory);
        if (!IgnoreReopen && Launches.LastOrDefault(l => l.BundleDirectory == bundleDirectory) is { } launch)
        {
            _ = Task.Run(async () =>
            {
                await Task.Delay(50, CancellationToken.None);
                Directory.CreateDirectory(Path.GetDirectoryName(launch.LogPath)!);
                File.WriteAllText(launch.LogPath + ".tmp", string.Empty);
                File.Move(launch.LogPath + ".tmp", launch.LogPath, overwrite: true);
            }, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public string AttachSocketPath(string containerId) => Path.Combine(ExitDirectory, "..", "attach", containerId, "attach");

    public void Forget(string containerId) => File.Delete(Path.Combine(ExitDirectory, containerId));

    /// <summary>The container's process ended with <paramref name="code"/>: write the exit file as conmon does.</summary>
    public void Exit(string containerId, int code)
    {
        Directory.CreateDirectory(ExitDirectory);
        File.WriteAllText(Path.Combine(ExitDirectory, containerId), code.ToString(CultureInfo.InvariantCulture));
    }
}
