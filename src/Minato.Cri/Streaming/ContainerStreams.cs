using Microsoft.Extensions.Logging;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Monitor;

namespace Minato.Cri.Streaming;

/// <summary>The core of Exec, Attach and PortForward: validation and the sessions, for the streaming server.</summary>
public sealed class ContainerStreams(
    ContainerLifecycle containers,
    PodSandboxes pods,
    INamespaces namespaces,
    ContainerLifecycleOptions options,
    ILogger<ContainerStreams> logger) : IContainerStreams
{
    private readonly LoopbackDialer _dialer = new(namespaces);

    public void ValidateContainer(string containerId) => Running(containerId);

    public void ValidatePod(string podSandboxId) => Ready(podSandboxId);

    public async Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, StreamingSession session, CancellationToken cancellationToken)
    {
        var terminal = await ExecSession.TerminalAsync(session, cancellationToken);
        using var exec = await containers.PrepareExecAsync(containerId, command, terminal, cancellationToken);
        StreamingLog.ExecStarted(logger, exec.ContainerId, session.Tty);
        try
        {
            var code = await ExecSession.RunAsync(exec.Runtime, exec.ContainerId, exec.Files, session, cancellationToken);
            StreamingLog.ExecExited(logger, exec.ContainerId, code);
            return code;
        }
        catch (OperationCanceledException)
        {
            StreamingLog.ExecKilled(logger, exec.ContainerId);
            throw;
        }
    }

    public async Task AttachAsync(string containerId, StreamingSession session, CancellationToken cancellationToken)
    {
        var record = Running(containerId);
        var target = new AttachTarget(
            record.Id,
            ConmonAttach.SocketPath(options.Conmon.AttachSocketDirectory, record.Id),
            Path.Combine(record.BundleDirectory, "ctl"),
            record.Config.Tty,
            record.Config.Stdin);
        await AttachSession.RunAsync(target, session, cancellationToken);
        StreamingLog.AttachEnded(logger, record.Id);
    }

    public async Task PortForwardAsync(string podSandboxId, int port, Stream connection, CancellationToken cancellationToken)
    {
        var pod = Ready(podSandboxId);
        try
        {
            // A host-network pod has no pinned namespace: its localhost is the host's.
            await PortForwardSession.RunAsync(_dialer, pod.Id, pod.NetnsPath, port, connection, cancellationToken);
        }
        catch (PortForwardException e)
        {
            StreamingLog.PortForwardFailed(logger, pod.Id, port, e.Message);
            throw;
        }
    }

    private ContainerRecord Running(string containerId)
    {
        var record = containers.Get(containerId);
        return record.Phase == ContainerPhase.Running ? record : throw new PreconditionException($"container {record.Id} is not running");
    }

    private PodSandbox Ready(string podSandboxId)
    {
        var pod = pods.Get(podSandboxId);
        if (!pod.IsReady)
        {
            throw new PreconditionException($"pod sandbox {pod.Id} is not ready");
        }

        if (pod.NetnsPath is { } netns && !namespaces.IsPinned(netns))
        {
            throw new PreconditionException($"pod sandbox {pod.Id} has lost its network namespace");
        }

        return pod;
    }
}
