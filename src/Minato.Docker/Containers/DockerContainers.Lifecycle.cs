using Minato.Docker.Http;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary>Start, stop, restart, kill and remove with dockerd's answers.</summary>
public sealed partial class DockerContainers
{
    /// <summary>Starts a created or exited container (an exited one runs again on the same writable layer).</summary>
    /// <exception cref="DockerApiException">304 when it is running already.</exception>
    public async Task StartAsync(DockerContainer container, CancellationToken cancellationToken)
    {
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        await StartLockedAsync(Current(container), manual: true, cancellationToken);
    }

    /// <summary>Stops the container: its stop signal (or <paramref name="signal"/>), then SIGKILL after the timeout.</summary>
    /// <exception cref="DockerApiException">304 when it is not running.</exception>
    public async Task StopAsync(DockerContainer container, int? timeoutSeconds, string? signal, CancellationToken cancellationToken)
    {
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        container = Current(container);
        if (State(container).Phase != ContainerPhase.Running)
        {
            throw DockerApiException.NotModified();
        }

        await StopLockedAsync(container, timeoutSeconds, signal, cancellationToken);
    }

    /// <summary>Stops (if running) and starts again; the restart count is dockerd's: it counts policy restarts only.</summary>
    public async Task RestartAsync(DockerContainer container, int? timeoutSeconds, string? signal, CancellationToken cancellationToken)
    {
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        container = Current(container);
        if (State(container).Phase == ContainerPhase.Running)
        {
            await StopLockedAsync(container, timeoutSeconds, signal, cancellationToken);
        }

        await HandleExitIfPendingAsync(container.Id, cancellationToken);
        await StartLockedAsync(Current(container), manual: true, cancellationToken);
        Publish("restart", Current(container));
    }

    /// <summary>Sends <paramref name="signal"/> (a name or number; SIGKILL by default) to the container's init.</summary>
    /// <exception cref="DockerApiException">409 when it is not running, 400 for an unknown signal.</exception>
    public async Task KillAsync(DockerContainer container, string? signal, CancellationToken cancellationToken)
    {
        var number = ParseSignal(signal is { Length: > 0 } ? signal : "SIGKILL");
        if (State(container).Phase != ContainerPhase.Running)
        {
            throw NotRunning(container.Id);
        }

        if (Current(container).Paused)
        {
            await _engine.FreezeAsync(container.Id, pause: false, cancellationToken);
            Update(container.Id, c => c with { Paused = false });
        }

        await _engine.KillAsync(container.Id, number, all: false, cancellationToken);
        Publish("kill", container, ("signal", number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Removes the container, force-stopping it with <paramref name="force"/>.</summary>
    /// <exception cref="DockerApiException">409 when it runs and <paramref name="force"/> is not set.</exception>
    /// <param name="container">The container.</param>
    /// <param name="force">Kill it first when it runs.</param>
    /// <param name="cancellationToken">Cancels the wait for its lock.</param>
    /// <param name="removeVolumes">Also remove its anonymous volumes (<c>rm -v</c>); named ones stay, as with dockerd.</param>
    public async Task RemoveAsync(DockerContainer container, bool force, CancellationToken cancellationToken, bool removeVolumes = false)
    {
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        await RemoveLockedAsync(Current(container), force, cancellationToken, removeVolumes);
    }

    private async Task RemoveLockedAsync(DockerContainer container, bool force, CancellationToken cancellationToken, bool removeVolumes = false)
    {
        if (_store.Get(container.Id) is null)
        {
            return;
        }

        if (_engine.Find(container.Id) is { IsLive: true, Phase: ContainerPhase.Running } && !force)
        {
            throw DockerApiException.Conflict(
                $"You cannot remove a running container {container.Id}. Stop the container before attempting removal or force remove");
        }

        // No policy may bring it back while it goes.
        container = Update(container.Id, c => c with { ManuallyStopped = true, ExpectRunning = false });
        if (container.Paused)
        {
            await _engine.FreezeAsync(container.Id, pause: false, cancellationToken);
        }

        await _engine.RemoveAsync(container.Id, cancellationToken);
        await _networks.DisconnectAsync(container.Id, CancellationToken.None);
        _volumes.ReleaseAll(container.Id, removeAnonymous: removeVolumes || container.HostConfig.AutoRemove);
        _store.Delete(container.Id);
        DeleteDirectory(container.Directory);
        CompleteWaiters(container.Id, WaitCondition.Removed, LastExitCode(container.Id));
        DockerLog.ContainerRemoved(_logger, container.Id);
        Publish("destroy", container);
    }

    private async Task StartLockedAsync(DockerContainer container, bool manual, CancellationToken cancellationToken)
    {
        var state = State(container);
        if (state.Phase == ContainerPhase.Running)
        {
            throw DockerApiException.NotModified();
        }

        if (state.Phase == ContainerPhase.Exited)
        {
            await HandleExitIfPendingAsync(container.Id, cancellationToken);
            state = await _engine.RecreateAsync(container.Id, cancellationToken);
        }

        var network = await _networks.ConnectAsync(NetworkRequest(container), state.Pid, cancellationToken);
        Update(container.Id, c => c with
        {
            Network = network,
            HasBeenStarted = true,
            ManuallyStopped = false,
            ExpectRunning = true,
            Paused = false,
            RestartCount = manual ? 0 : c.RestartCount,
        });
        try
        {
            await _engine.StartAsync(container.Id, cancellationToken);
            Publish("start", container);
        }
        catch
        {
            Update(container.Id, c => c with { ExpectRunning = false, Network = Networks.ContainerNetworkState.Empty });
            await _networks.DisconnectAsync(container.Id, CancellationToken.None);
            throw;
        }
    }

    private async Task StopLockedAsync(DockerContainer container, int? timeoutSeconds, string? signal, CancellationToken cancellationToken)
    {
        container = Update(container.Id, c => c with { ManuallyStopped = true });
        if (container.Paused)
        {
            await _engine.FreezeAsync(container.Id, pause: false, cancellationToken);
            container = Update(container.Id, c => c with { Paused = false });
        }

        var seconds = timeoutSeconds ?? container.Config.StopTimeout ?? (int)DefaultStopTimeout.TotalSeconds;
        var timeout = seconds < 0 ? TimeSpan.FromDays(1) : TimeSpan.FromSeconds(seconds);
        if (signal is { Length: > 0 })
        {
            // A signal other than the container's own: sent here, then the usual wait and SIGKILL.
            await _engine.KillAsync(container.Id, ParseSignal(signal), all: false, cancellationToken);
            await _engine.WaitForExitAsync(container.Id, timeout, cancellationToken);
            timeout = TimeSpan.Zero;
        }

        await _engine.StopAsync(container.Id, timeout, cancellationToken);
        await HandleExitIfPendingAsync(container.Id, cancellationToken);
        Publish("stop", container);
    }

    private static int ParseSignal(string signal)
    {
        try
        {
            return StopSignals.Parse(signal);
        }
        catch (Engine.Errors.InvalidInputException e)
        {
            throw new DockerApiException(400, $"Invalid signal: {signal}", e);
        }
    }
}
