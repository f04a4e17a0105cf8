using Minato.Engine.Errors;

namespace Minato.Cri.Containers;

/// <summary>ReopenContainerLog: conmon reopens the CRI log path after the kubelet rotated (renamed) the file.</summary>
public sealed partial class ContainerLifecycle
{
    /// <summary>Asks the running container's conmon, through its ctl FIFO, to reopen the log; no line is lost.</summary>
    /// <exception cref="PreconditionException">The container is not running.</exception>
    public async Task ReopenLogAsync(string id, CancellationToken cancellationToken)
    {
        var record = Get(id);
        if (record.Phase != ContainerPhase.Running)
        {
            throw new PreconditionException($"container {record.Id} is not running");
        }

        // conmon's control FIFO in the bundle (see ContainerLaunch.ControlFifo): "2 0 0" reopens the log.
        var fifo = Path.Combine(record.BundleDirectory, "ctl");

        // Opening a FIFO for writing blocks until a reader has it open; conmon keeps it open while it runs.
        var write = Task.Run(
            async () =>
            {
                await using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
                await stream.WriteAsync("2 0 0\n"u8.ToArray(), cancellationToken);
            },
            cancellationToken);
        try
        {
            await write.WaitAsync(options.RuntimeTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new PreconditionException($"conmon of container {record.Id} did not take the reopen request within {options.RuntimeTimeout.TotalSeconds:0}s");
        }
    }
}
