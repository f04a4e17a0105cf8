using System.Collections.Concurrent;
using System.Globalization;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Oci;

namespace Minato.Engine.Containers;

/// <summary>Exits: the monitor's exit files, watched with inotify, folded into the records; and recovery at start.</summary>
public sealed partial class ContainerService
{
    /// <summary>The exit code reported when the real one was never recorded (containerd's choice too).</summary>
    public const int UnknownExitCode = 255;

    /// <summary>The reason of a container whose monitor died before the container's exit was recorded.</summary>
    public const string MonitorLostReason = "MonitorLost";

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _exitWaiters = new(StringComparer.Ordinal);

    /// <summary>Containers whose start is in flight: an exit folded in meanwhile is announced after the start, not before.</summary>
    private readonly ConcurrentDictionary<string, bool> _starting = new(StringComparer.Ordinal);

    /// <summary>Containers whose monitor died before writing an exit file: their waiters must not wait for one.</summary>
    private readonly ConcurrentDictionary<string, bool> _monitorLost = new(StringComparer.Ordinal);

    private readonly Lock _stateLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private FileSystemWatcher? _watcher;

    /// <summary>Watches the exit directory, then undoes half-done creates and picks up exits that happened while the daemon was down.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(monitor.ExitDirectory);
        _watcher = new FileSystemWatcher(monitor.ExitDirectory) { IncludeSubdirectories = false, InternalBufferSize = 64 * 1024 };
        _watcher.Created += (_, e) => OnExitFile(e.Name);
        _watcher.Changed += (_, e) => OnExitFile(e.Name);
        _watcher.Renamed += (_, e) => OnExitFile(e.Name);
        _watcher.Error += (_, _) => OnOverflow();
        _watcher.EnableRaisingEvents = true;

        // Archives unpacked for a create that never finished: no container took them over.
        if (Directory.Exists(options.CheckpointStagingDirectory))
        {
            Directory.Delete(options.CheckpointStagingDirectory, recursive: true);
        }

        foreach (var record in store.All.ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Phase == ContainerPhase.Creating)
            {
                await RollBackAsync(record.Id, new InvalidOperationException("the daemon stopped while it was being created"));
            }
            else
            {
                RemountImageVolumes(record);
                if (Reconcile(record) is { IsLive: true } live && !monitor.IsAlive(live.BundleDirectory) && !IsRestorePending(live))
                {
                    await MarkMonitorLostAsync(live, "was gone when the daemon started", cancellationToken);
                }
            }
        }

        _ = WatchMonitorsAsync(_stopping.Token);
    }

    /// <summary>
    /// Every <see cref="ContainerServiceOptions.MonitorCheckInterval"/>, looks for live containers whose monitor died
    /// (SIGKILLed, OOM-killed) without writing an exit file: nobody else would ever report them exited.
    /// </summary>
    private async Task WatchMonitorsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.MonitorCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var record in store.All.ToList())
                {
                    // The exit file is read after the liveness check: conmon writes it before it exits.
                    if (record.IsLive && !IsRestorePending(record) && !_starting.ContainsKey(record.Id) &&
                        !monitor.IsAlive(record.BundleDirectory) && Reconcile(record) is { IsLive: true } live)
                    {
                        await MarkMonitorLostAsync(live, "died while the container ran", cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The service is being disposed.
        }
        catch (Exception e)
        {
            ContainerLog.MonitorWatchFailed(logger, e);
        }
    }

    /// <summary>Created to restore a checkpoint and not yet started: no monitor runs for it yet.</summary>
    private static bool IsRestorePending(ContainerRecord record) =>
        record is { Phase: ContainerPhase.Created, CheckpointImages.Length: > 0 };

    /// <summary>True once the container has exited (its exit file holds a code), false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var waiter = _exitWaiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

            // Checked after registering, so an exit written in between is not missed.
            if (ReadExitCode(id) is not null || _monitorLost.ContainsKey(id))
            {
                return true;
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await waiter.Task.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return ReadExitCode(id) is not null;
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _watcher?.Dispose();
    }

    /// <summary>
    /// Without its monitor (killed, or the state directory lost in a reboot) nobody will write the exit file:
    /// make sure every process of the container is gone (none is left without its monitor) and report the container
    /// exited with an unknown code and the reason <see cref="MonitorLostReason"/>.
    /// </summary>
    private async Task MarkMonitorLostAsync(ContainerRecord record, string what, CancellationToken cancellationToken)
    {
        try
        {
            await Runtime(record.RuntimeHandler).KillAsync(record.Id, SigKill, all: true, cancellationToken);
        }
        catch (Exception e) when (e is OciRuntimeException or PreconditionException)
        {
            ContainerLog.SignalFailed(logger, record.Id, SigKill, e.Message);
        }

        lock (_stateLock)
        {
            if (store.Get(record.Id) is { IsLive: true } current)
            {
                var exited = store.Update(current with
                {
                    Phase = ContainerPhase.Exited,
                    ExitCode = UnknownExitCode,
                    Reason = MonitorLostReason,
                    Message = $"the container's monitor (conmon) {what}; its processes were killed and its exit code is unknown",
                    FinishedAt = Math.Max(current.StartedAt, time.UnixNanoseconds()),
                });
                RaiseExited(exited);
            }
        }

        _monitorLost[record.Id] = true;
        if (_exitWaiters.TryRemove(record.Id, out var waiter))
        {
            waiter.TrySetResult();
        }

        ContainerLog.Exited(logger, record.Id, UnknownExitCode, MonitorLostReason);
    }

    /// <summary>The record with its exit folded in when the monitor has written one; otherwise unchanged.</summary>
    private ContainerRecord Reconcile(ContainerRecord record)
    {
        if (!record.IsLive || ReadExitCode(record.Id) is not { } code)
        {
            return record;
        }

        ContainerRecord exited;
        lock (_stateLock)
        {
            // Re-read under the lock: the watch, a status call and a start may all fold in the same exit.
            if (store.Get(record.Id) is not { IsLive: true } current)
            {
                return store.Get(record.Id) ?? record;
            }

            var finished = File.GetLastWriteTimeUtc(ExitFile(record.Id));
            var reason = OomKilled(current) ? "OOMKilled" : code == 0 ? "Completed" : "Error";
            exited = current with
            {
                Phase = ContainerPhase.Exited,
                ExitCode = code,
                Reason = reason,

                // File times are coarser than the clock; never report a finish before the start.
                FinishedAt = Math.Max(current.StartedAt, UnixTime.Nanoseconds(finished)),
            };
            try
            {
                exited = store.Update(exited);
                RaiseExited(exited);
            }
            catch (NotFoundException)
            {
                // Removed meanwhile; it must not come back.
                return exited;
            }
        }

        ContainerLog.Exited(logger, record.Id, code, exited.Reason);
        return exited;
    }

    /// <summary>An exit folded in: announced now, unless a start is in flight, which announces it after "started".</summary>
    private void RaiseExited(ContainerRecord record)
    {
        var owner = new KeyValuePair<string, object?>("owner", record.Owner);
        Diagnostics.EngineMeter.ContainerExits.Add(1, owner, new KeyValuePair<string, object?>("reason", record.Reason.Length > 0 ? record.Reason : "Unknown"));
        if (record.Reason == "OOMKilled")
        {
            Diagnostics.EngineMeter.ContainerOomKills.Add(1, owner);
        }

        if (!_starting.ContainsKey(record.Id))
        {
            Raise(record, ContainerChangeKind.Exited);
        }
    }

    /// <summary>The kernel's OOM counter of the container's cgroup (v2, else v1) decides; the monitor's <c>oom</c> file is
    /// the fallback where there is none (the cgroup already gone, or a kernel without the v1 counter).</summary>
    private static bool OomKilled(ContainerRecord record) =>
        OomKills.Occurred(record.MemoryCgroup) ?? File.Exists(Path.Combine(record.BundleDirectory, "oom"));

    private string ExitFile(string id) => Path.Combine(monitor.ExitDirectory, id);

    /// <summary>The monitor's exit code for the container, or null while it has written none (or only part of one).</summary>
    private int? ReadExitCode(string id)
    {
        // Listings read this for every live container: a stat is much cheaper than a thrown FileNotFoundException.
        var path = ExitFile(id);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var text = File.ReadAllText(path).Trim();
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void OnExitFile(string? name)
    {
        if (name is null)
        {
            return;
        }

        if (_exitWaiters.TryRemove(name, out var waiter))
        {
            waiter.TrySetResult();
        }

        if (store.Get(name) is { } record)
        {
            Reconcile(record);
        }
    }

    /// <summary>Events were lost: wake every waiter (they re-read their file) and re-read every running container.</summary>
    private void OnOverflow()
    {
        ContainerLog.WatchOverflow(logger);
        foreach (var id in _exitWaiters.Keys.ToList())
        {
            OnExitFile(id);
        }

        foreach (var record in store.All.ToList())
        {
            Reconcile(record);
        }
    }
}
