using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary>What <c>POST /containers/{id}/wait</c> waits for.</summary>
public enum WaitCondition
{
    /// <summary>Not running now, or its next exit (a created container counts as not running).</summary>
    NotRunning,

    /// <summary>Its next exit.</summary>
    NextExit,

    /// <summary>Its removal.</summary>
    Removed,
}

/// <summary>What the background loop does for a container.</summary>
internal enum PendingWork
{
    /// <summary>Handle its exit (networks, auto-remove, restart policy).</summary>
    Exit,

    /// <summary>Restart it by its policy, unless a client stopped it meanwhile.</summary>
    PolicyRestart,

    /// <summary>Start it because its policy is <c>always</c> and the daemon started.</summary>
    DaemonStart,
}

/// <summary>Exits: waits, the network disconnect after every exit, auto-remove, restart policies, and recovery.</summary>
public sealed partial class DockerContainers
{
    /// <summary>The longest pause between two policy restarts (dockerd doubles from 100 ms).</summary>
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(10);

    /// <summary>Registers a wait; the task completes with the exit code. Register before starting, as the CLI does.</summary>
    public Task<int> WaitAsync(DockerContainer container, WaitCondition condition, CancellationToken cancellationToken)
    {
        var waiter = new ExitWaiter(condition);
        var list = _waiters.GetOrAdd(container.Id, _ => []);
        lock (list)
        {
            list.Add(waiter);
        }

        // Checked after registering, so a change in between is not missed.
        var state = _engine.Find(container.Id);
        if (state is null && condition == WaitCondition.Removed && _store.Get(container.Id) is null)
        {
            waiter.Done.TrySetResult(LastExitCode(container.Id));
        }
        else if (condition == WaitCondition.NotRunning && state is { Phase: not ContainerPhase.Running })
        {
            waiter.Done.TrySetResult(state.Phase == ContainerPhase.Exited ? state.ExitCode : 0);
        }

        cancellationToken.Register(() => waiter.Done.TrySetCanceled(cancellationToken));
        return waiter.Done.Task;
    }

    /// <summary>After the engine's recovery: drops records whose other half is gone, finishes exits that happened while
    /// the daemon was down (networks, auto-remove, restart policies) and starts <c>always</c> containers again.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var container in _store.All.ToList())
        {
            if (_engine.Recorded(container.Id) is null)
            {
                _store.Delete(container.Id);
                DeleteDirectory(container.Directory);
                DockerLog.OrphanDropped(_logger, container.Id);
            }
        }

        foreach (var state in _engine.List(Owner))
        {
            if (_store.Get(state.Id) is null)
            {
                await _engine.RemoveAsync(state.Id, cancellationToken);
            }
        }

        foreach (var container in _store.All.ToList())
        {
            var state = _engine.Find(container.Id);
            if (state is { Phase: ContainerPhase.Running })
            {
                Health.Start(container, state.StartedAt);
            }

            if (state is { Phase: ContainerPhase.Exited } && container.ExpectRunning)
            {
                await _changes.Writer.WriteAsync((container.Id, PendingWork.Exit), cancellationToken);
            }
            else if (state is { Phase: ContainerPhase.Exited } && container is { HasBeenStarted: true } && Policy(container) == "always")
            {
                // dockerd starts "always" containers with the daemon even after a docker stop.
                await _changes.Writer.WriteAsync((container.Id, PendingWork.DaemonStart), cancellationToken);
            }
        }
    }

    private void OnChanged(ContainerChange change)
    {
        if (change.Container.Owner != Owner)
        {
            // A pod container's wait (it is shown read-only): its exit and removal come from the engine alone.
            var code = change.Container.ExitCode;
            switch (change.Kind)
            {
                case ContainerChangeKind.Exited:
                    CompleteWaiters(change.Container.Id, WaitCondition.NextExit, code);
                    CompleteWaiters(change.Container.Id, WaitCondition.NotRunning, code);
                    break;
                case ContainerChangeKind.Removed:
                    CompleteWaiters(change.Container.Id, WaitCondition.Removed, code);
                    _waiters.TryRemove(change.Container.Id, out _);
                    break;
            }

            return;
        }

        // Health probes follow each run; their state is in memory only (recovery starts them again).
        if (change.Kind == ContainerChangeKind.Started && _store.Get(change.Container.Id) is { } started)
        {
            Health.Start(started, change.Container.StartedAt);
        }
        else if (change.Kind == ContainerChangeKind.Removed)
        {
            Health.Forget(change.Container.Id);
        }

        if (change.Kind == ContainerChangeKind.Exited)
        {
            Health.Stop(change.Container.Id);
            CompleteWaiters(change.Container.Id, WaitCondition.NextExit, change.Container.ExitCode);
            CompleteWaiters(change.Container.Id, WaitCondition.NotRunning, change.Container.ExitCode);
            _lastExit[change.Container.Id] = change.Container.ExitCode;
            _changes.Writer.TryWrite((change.Container.Id, PendingWork.Exit));
        }
    }

    private async Task HandleChangesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (id, work) in _changes.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    using var held = await _locks.AcquireAsync(id, cancellationToken);
                    if (work != PendingWork.Exit)
                    {
                        if (_store.Get(id) is { } container && (work == PendingWork.DaemonStart || !container.ManuallyStopped) &&
                            _engine.Find(id) is { Phase: ContainerPhase.Exited })
                        {
                            await StartLockedAsync(container, manual: false, cancellationToken);
                        }
                    }
                    else
                    {
                        await HandleExitIfPendingAsync(id, cancellationToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    DockerLog.ExitHandlingFailed(_logger, id, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The daemon stops.
        }
    }

    /// <summary>Under the container's lock: once per exit, disconnects it, then removes it (auto-remove) or schedules
    /// the restart its policy asks for.</summary>
    private async Task HandleExitIfPendingAsync(string id, CancellationToken cancellationToken)
    {
        if (_store.Get(id) is not { ExpectRunning: true } container || _engine.Find(id) is not { Phase: ContainerPhase.Exited } state)
        {
            return;
        }

        await _networks.DisconnectAsync(id, cancellationToken);
        container = Update(id, c => c with { ExpectRunning = false, Paused = false, Network = Networks.ContainerNetworkState.Empty });
        Publish("die", container, ("exitCode", state.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (container.HostConfig.AutoRemove)
        {
            await RemoveLockedAsync(container, force: true, cancellationToken);
            return;
        }

        if (!ShouldRestart(container, state.ExitCode))
        {
            return;
        }

        var count = container.RestartCount + 1;
        Update(id, c => c with { RestartCount = count });
        var policy = Policy(container);
        DockerLog.RestartingByPolicy(_logger, id, state.ExitCode, policy, count);
        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRestartDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(count - 1, 20))));
        _ = Task.Run(
            async () =>
            {
                await Task.Delay(delay, _time, cancellationToken);
                await _changes.Writer.WriteAsync((id, PendingWork.PolicyRestart), cancellationToken);
            },
            cancellationToken);
    }

    private static bool ShouldRestart(DockerContainer container, int exitCode)
    {
        if (container.ManuallyStopped)
        {
            return false;
        }

        return Policy(container) switch
        {
            "always" or "unless-stopped" => true,
            "on-failure" => exitCode != 0 && (container.HostConfig.RestartPolicy!.MaximumRetryCount == 0 ||
                                              container.RestartCount < container.HostConfig.RestartPolicy.MaximumRetryCount),
            _ => false,
        };
    }

    private static string Policy(DockerContainer container) => container.HostConfig.RestartPolicy?.Name ?? "no";

    private int LastExitCode(string id) => _lastExit.TryGetValue(id, out var code) ? code : _engine.Find(id)?.ExitCode ?? 0;

    private void CompleteWaiters(string id, WaitCondition condition, int exitCode)
    {
        if (!_waiters.TryGetValue(id, out var list))
        {
            return;
        }

        lock (list)
        {
            foreach (var waiter in list.Where(w => w.Condition == condition).ToList())
            {
                waiter.Done.TrySetResult(exitCode);
                list.Remove(waiter);
            }

            list.RemoveAll(w => w.Done.Task.IsCompleted);
        }
    }

    /// <summary>One pending wait.</summary>
    private sealed record ExitWaiter(WaitCondition Condition)
    {
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
