using Minato.Engine.Errors;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.Engine.Containers;

/// <summary>Running an exited container again from the same bundle and writable layer (Docker's start and restart of a
/// stopped container): the runtime's old state goes, a new monitor creates the process afresh, and the container is
/// created again, ready for <see cref="StartAsync"/>.</summary>
public sealed partial class ContainerService
{
    /// <summary>The monitor's files in the bundle that a new monitor must make afresh (FIFOs it refuses to find existing).</summary>
    private static readonly string[] MonitorFiles = ["ctl", "winsz", "pidfile", "conmon.pid", "exit", "oom"];

    /// <summary>Makes an exited container created again: same rootfs, spec and log file (appended to), new process.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">It is not exited, or it waits for a checkpoint restore.</exception>
    public async Task<ContainerRecord> RecreateAsync(string id, CancellationToken cancellationToken)
    {
        var record = Get(id);
        using var held = await _locks.AcquireAsync(record.Id, cancellationToken);
        record = Get(record.Id);
        if (record.Phase != ContainerPhase.Exited)
        {
            throw new PreconditionException($"container {record.Id} is {record.Phase.ToString().ToLowerInvariant()}, not exited");
        }

        var runtime = Runtime(record.RuntimeHandler);
        try
        {
            await runtime.DeleteAsync(record.Id, force: true, cancellationToken);
        }
        catch (OciRuntimeException e)
        {
            ContainerLog.DeleteFailed(logger, record.Id, e.Message);
        }

        monitor.Forget(record.Id);
        _monitorLost.TryRemove(record.Id, out _);
        foreach (var file in MonitorFiles)
        {
            File.Delete(Path.Combine(record.BundleDirectory, file));
        }

        var launch = new ContainerLaunch(record.Id, record.Name, record.BundleDirectory, runtime.Handler, record.LogPath,
            record.Tty, record.Stdin, record.StdinOnce);
        var pid = await monitor.CreateAsync(launch, options.RuntimeTimeout, cancellationToken);
        var memoryCgroup = Linux.Cgroups.OomKills.MemoryCgroupOf(pid) ?? string.Empty;
        lock (_stateLock)
        {
            var current = store.Get(record.Id) ?? throw new NotFoundException($"container {record.Id} not found");
            record = store.Update(current with
            {
                Phase = ContainerPhase.Created,
                Pid = pid,
                MemoryCgroup = memoryCgroup,
                ExitCode = 0,
                Reason = string.Empty,
                Message = string.Empty,
            });
            Raise(record, ContainerChangeKind.Created);
        }

        ContainerLog.Recreated(logger, record.Id);
        return record;
    }

    /// <summary>Freezes the running container's processes (<paramref name="pause"/>) or thaws them.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">It is not running.</exception>
    public async Task FreezeAsync(string id, bool pause, CancellationToken cancellationToken)
    {
        var record = Running(id);
        var runtime = Runtime(record.RuntimeHandler);
        await (pause ? runtime.PauseAsync(record.Id, cancellationToken) : runtime.ResumeAsync(record.Id, cancellationToken));
    }
}
