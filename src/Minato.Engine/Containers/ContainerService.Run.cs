using Minato.Engine.Errors;
using Minato.Engine.Oci;

namespace Minato.Engine.Containers;

/// <summary>Start, stop, kill and remove, and the idempotent teardown shared by rollback, remove and recovery.</summary>
public sealed partial class ContainerService
{
    private const int SigKill = 9;

    /// <summary>Starts a created container; one made to restore a checkpoint has its processes restored instead (see
    /// <see cref="ContainerDescription.Restore"/>), and if that fails it is recorded exited with the reason.</summary>
    /// <exception cref="PreconditionException">It is not in the created state, or the restore failed (the message
    /// carries CRIU's words).</exception>
    public async Task<ContainerRecord> StartAsync(string id, CancellationToken cancellationToken)
    {
        var record = Get(id);
        using var held = await _locks.AcquireAsync(record.Id, cancellationToken);
        record = Get(record.Id);
        if (record.Phase != ContainerPhase.Created)
        {
            throw new PreconditionException($"container {record.Id} is {record.Phase.ToString().ToLowerInvariant()}, not created");
        }

        // Taken before the runtime runs: a process that exits at once must not have finished before it started.
        var startedAt = time.UnixNanoseconds();
        _starting[record.Id] = true;
        try
        {
            (int Pid, string MemoryCgroup)? restored = null;
            if (record.CheckpointImages.Length > 0)
            {
                restored = await RestoreProcessesAsync(record, cancellationToken);
            }
            else
            {
                await Runtime(record.RuntimeHandler).StartAsync(record.Id, cancellationToken);
            }

            // A process that exits at once may already be folded in as exited by the exit watch: keep that phase.
            lock (_stateLock)
            {
                var current = store.Get(record.Id) ?? throw new NotFoundException($"container {record.Id} not found");
                if (restored is { } process)
                {
                    current = current with { Pid = process.Pid, MemoryCgroup = process.MemoryCgroup, CheckpointImages = string.Empty };
                }

                record = store.Update(current.Phase == ContainerPhase.Created
                    ? current with { Phase = ContainerPhase.Running, StartedAt = startedAt }
                    : current with { StartedAt = startedAt, FinishedAt = Math.Max(current.FinishedAt, startedAt) });
                _starting.TryRemove(record.Id, out _);
                Raise(record, ContainerChangeKind.Started);
                if (current.Phase == ContainerPhase.Exited)
                {
                    Raise(record, ContainerChangeKind.Exited);
                }
            }
        }
        finally
        {
            // A failed start: an exit held back while it was in flight is announced now.
            lock (_stateLock)
            {
                if (_starting.TryRemove(record.Id, out _) && store.Get(record.Id) is { Phase: ContainerPhase.Exited } exited)
                {
                    Raise(exited, ContainerChangeKind.Exited);
                }
            }
        }

        record = Reconcile(record);
        ContainerLog.Started(logger, record.Id);
        return record;
    }

    /// <summary>Sends the stop signal, waits up to <paramref name="timeout"/>, then SIGKILL. Unknown or stopped containers succeed.</summary>
    /// <exception cref="TimeoutException">It did not exit even after SIGKILL.</exception>
    public async Task StopAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (store.Find(id) is not { } found)
        {
            return;
        }

        using var held = await _locks.AcquireAsync(found.Id, cancellationToken);
        if (store.Get(found.Id) is { } record)
        {
            await StopLockedAsync(Reconcile(record), timeout, cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the running container's init (every process with <paramref name="all"/>).</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">It is not running.</exception>
    public async Task KillAsync(string id, int signal, bool all, CancellationToken cancellationToken)
    {
        var record = Get(id);
        if (record.Phase != ContainerPhase.Running)
        {
            throw new PreconditionException($"container {record.Id} is not running");
        }

        await Runtime(record.RuntimeHandler).KillAsync(record.Id, signal, all, cancellationToken);
    }

    /// <summary>Removes the container, its mounts, bundle, writable layer and record (force-stopping it). Unknown ids succeed.</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        if (store.Find(id) is not { } found)
        {
            return;
        }

        using (var held = await _locks.AcquireAsync(found.Id, cancellationToken))
        {
            if (store.Get(found.Id) is not { } record)
            {
                return;
            }

            await StopLockedAsync(Reconcile(record), TimeSpan.Zero, cancellationToken);
            await TeardownAsync(record);
            lock (_stateLock)
            {
                record = store.Get(record.Id) ?? record;
                store.Delete(record.Id);
                Raise(record, ContainerChangeKind.Removed);
            }

            ForgetUsage(record.Id);
            _monitorLost.TryRemove(record.Id, out _);
            ContainerLog.Removed(logger, record.Id);
        }

        _locks.Forget(found.Id);
    }

    private async Task StopLockedAsync(ContainerRecord record, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A container waiting for its restore has no process and no monitor yet: nothing to stop.
        if (!record.IsLive || IsRestorePending(record))
        {
            return;
        }

        var runtime = Runtime(record.RuntimeHandler);
        if (timeout > TimeSpan.Zero && record.Phase == ContainerPhase.Running)
        {
            if (await SignalAsync(runtime, record.Id, StopSignals.Parse(record.StopSignal), cancellationToken) &&
                await WaitForExitAsync(record.Id, timeout, cancellationToken))
            {
                Reconcile(record);
                return;
            }
        }

        await SignalAsync(runtime, record.Id, SigKill, cancellationToken);
        if (!await WaitForExitAsync(record.Id, options.KillTimeout, cancellationToken))
        {
            throw new TimeoutException($"container {record.Id} did not exit within {options.KillTimeout.TotalSeconds:0}s of SIGKILL");
        }

        Reconcile(record);
    }

    /// <summary>Signals the container's init; false when the runtime says it is not running any more.</summary>
    private async Task<bool> SignalAsync(IOciRuntime runtime, string id, int signal, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.KillAsync(id, signal, all: false, cancellationToken);
            return true;
        }
        catch (OciRuntimeException e)
        {
            // Already exited between the check and the kill; the exit file tells the rest.
            ContainerLog.SignalFailed(logger, id, signal, e.Message);
            return false;
        }
    }

    /// <summary>Undoes every side effect a container may have; safe to repeat after a partial failure.</summary>
    private async Task TeardownAsync(ContainerRecord record)
    {
        if (runtimes.Find(record.RuntimeHandler) is { } runtime)
        {
            try
            {
                await runtime.DeleteAsync(record.Id, force: true, CancellationToken.None);
            }
            catch (OciRuntimeException e)
            {
                // The runtime does not know it (never created, or already deleted).
                ContainerLog.DeleteFailed(logger, record.Id, e.Message);
            }
        }

        UnmountImageVolumes(record);
        UnmountIdMappedBinds(record);
        mounts.Unmount(record.RootfsPath);
        DeleteDirectory(record.BundleDirectory);
        DeleteDirectory(record.LayerDirectory);
        monitor.Forget(record.Id);
    }

    private async Task RollBackAsync(string id, Exception cause)
    {
        if (store.Get(id) is not { } record)
        {
            return;
        }

        try
        {
            await TeardownAsync(record);
            store.Delete(id);
            ContainerLog.RolledBack(logger, id, record.Name, cause.Message);
        }
        catch (Exception e)
        {
            // The record stays (phase Creating) so the next start of the daemon tries again.
            ContainerLog.RollbackFailed(logger, id, e);
        }
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
