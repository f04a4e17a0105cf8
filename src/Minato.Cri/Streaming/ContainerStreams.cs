using Microsoft.Extensions.Logging;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Streaming;

/// <summary>The core of Exec, Attach and PortForward: validation and the sessions, for the streaming server.</summary>
public sealed class ContainerStreams(
    PodContainers containers,
    ContainerService engine,
    PodSandboxes pods,
    INamespaces namespaces,
    ILogger<ContainerStreams> logger) : IContainerStreams
{
    private readonly LoopbackDialer _dialer = new(namespaces);

    public void ValidateContainer(string containerId) => Running(containerId);

    public void ValidatePod(string podSandboxId) => Ready(podSandboxId);

    public async Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, StreamingSession session, CancellationToken cancellationToken)
    {
        var terminal = await ExecSession.TerminalAsync(session, cancellationToken);
        using var exec = await engine.PrepareExecAsync(containers.Get(containerId).Id, command, terminal, cancellationToken);
        StreamingLog.ExecStarted(logger, exec.ContainerId, session.Tty);
        try
        {
            var code = await ExecSession.RunAsync(exec, session, cancellationToken);
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
        var target = engine.Attach(containers.Get(containerId).Id);
        await AttachSession.RunAsync(target, session, cancellationToken);
        StreamingLog.AttachEnded(logger, target.ContainerId);
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

    private ContainerRecord Running(string containerId) => engine.Running(containers.Get(containerId).Id);

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
