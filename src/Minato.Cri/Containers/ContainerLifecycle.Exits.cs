using System.Collections.Concurrent;
using System.Globalization;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Oci;

namespace Minato.Cri.Containers;

/// <summary>Exits: conmon's exit files, watched with inotify, folded into the records; and recovery at start.</summary>
public sealed partial class ContainerLifecycle
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _exitWaiters = new(StringComparer.Ordinal);
    /// <summary>The exit code reported when the real one was never recorded (containerd's choice too).</summary>
    private const int UnknownExitCode = 255;

    private readonly Lock _stateLock = new();
    private FileSystemWatcher? _watcher;

    /// <summary>Watches the exit directory, then undoes half-done creates and picks up exits that happened while the daemon was down.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Conmon.ExitDirectory);
        _watcher = new FileSystemWatcher(options.Conmon.ExitDirectory) { IncludeSubdirectories = false, InternalBufferSize = 64 * 1024 };
        _watcher.Created += (_, e) => OnExitFile(e.Name);
        _watcher.Changed += (_, e) => OnExitFile(e.Name);
        _watcher.Renamed += (_, e) => OnExitFile(e.Name);
        _watcher.Error += (_, _) => OnOverflow();
        _watcher.EnableRaisingEvents = true;
        foreach (var record in store.All.ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Phase == ContainerPhase.Creating)
            {
                await RollBackAsync(record.Id, new InvalidOperationException("the daemon stopped while it was being created"));
            }
            else if (Reconcile(record) is { Phase: ContainerPhase.Created or ContainerPhase.Running } live && !MonitorAlive(live))
            {
                await MarkMonitorLostAsync(live, cancellationToken);
            }
        }
    }

    /// <summary>True while the container's conmon runs (its pid file names a live process called conmon).</summary>
    private static bool MonitorAlive(ContainerRecord record)
    {
        try
        {
            var pid = File.ReadAllText(Path.Combine(record.BundleDirectory, "conmon.pid")).Trim();
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "conmon";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Without its conmon (killed, or the state directory lost in a reboot) nobody will write the exit file:
    /// make sure the process is gone and report the container exited with an unknown code, as containerd does.
    /// </summary>
    private async Task MarkMonitorLostAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await Cli(record).KillAsync(record.Id, SigKill, all: false, cancellationToken);
        }
        catch (Exception e) when (e is OciRuntimeException or Engine.Errors.PreconditionException)
        {
            ContainerLog.SignalFailed(logger, record.Id, SigKill, e.Message);
        }

        lock (_stateLock)
        {
            if (store.Get(record.Id) is { Phase: ContainerPhase.Created or ContainerPhase.Running } current)
            {
                store.Update(current with
                {
                    Phase = ContainerPhase.Exited,
                    ExitCode = UnknownExitCode,
                    Reason = "Error",
                    Message = "the container's monitor (conmon) was gone when the daemon started; its exit code is unknown",
                    FinishedAt = Math.Max(current.StartedAt, Nanoseconds(time.GetUtcNow())),
                });
                PublishStopped(current);
            }
        }

        ContainerLog.Exited(logger, record.Id, UnknownExitCode, "monitor lost");
    }

    public void Dispose() => _watcher?.Dispose();

    /// <summary>The record with its exit folded in when conmon has written one; otherwise unchanged.</summary>
    private ContainerRecord Reconcile(ContainerRecord record)
    {
        if (record.Phase is not (ContainerPhase.Created or ContainerPhase.Running) || ReadExitCode(record.Id) is not { } code)
        {
            return record;
        }

        ContainerRecord exited;
        lock (_stateLock)
        {
            // Re-read under the lock: the watch, a status call and StartContainer may all fold in the same exit.
            if (store.Get(record.Id) is not { Phase: ContainerPhase.Created or ContainerPhase.Running } current)
            {
                return store.Get(record.Id) ?? record;
            }

            var finished = File.GetLastWriteTimeUtc(options.ExitFile(record.Id));
            var reason = OomKilled(current) ? "OOMKilled" : code == 0 ? "Completed" : "Error";
            exited = current with
            {
                Phase = ContainerPhase.Exited,
                ExitCode = code,
                Reason = reason,

                // File times are coarser than the clock; never report a finish before the start.
                FinishedAt = Math.Max(current.StartedAt, Nanoseconds(new DateTimeOffset(finished, TimeSpan.Zero))),
            };
            try
            {
                exited = store.Update(exited);
                PublishStopped(exited);
            }
            catch (Engine.Errors.NotFoundException)
            {
                // Removed meanwhile; it must not come back.
                return exited;
            }
        }

        ContainerLog.Exited(logger, record.Id, code, exited.Reason);
        return exited;
    }

    /// <summary>The kernel's OOM counter of the container's cgroup (v2, else v1) decides; conmon's <c>oom</c> file is the
    /// fallback where there is none (the cgroup already gone, or a kernel without the v1 counter).</summary>
    private static bool OomKilled(ContainerRecord record) =>
        OomKills.Occurred(record.MemoryCgroup) ?? File.Exists(Path.Combine(record.BundleDirectory, "oom"));

    /// <summary>conmon's exit code for the container, or null while it has written none (or only part of one).</summary>
    private int? ReadExitCode(string id)
    {
        // Listings read this for every live container: a stat is much cheaper than a thrown FileNotFoundException.
        var path = options.ExitFile(id);
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

    /// <summary>True once the container's exit file holds a code, false when <paramref name="timeout"/> passed first.</summary>
    private async Task<bool> WaitForExitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var waiter = _exitWaiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

            // Checked after registering, so an exit written in between is not missed.
            if (ReadExitCode(id) is not null)
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
