using Minato.Cri.Streaming;
using Minato.Engine.Errors;

namespace Minato.Streaming;

/// <summary>The Exec, Attach and PortForward RPCs' rules: validate now, hand back a single-use URL.</summary>
public sealed class StreamingRequestValidator(StreamingServer server, IContainerStreams? core)
{
    /// <summary>False until an implementation of the sessions is registered; the RPCs then answer Unimplemented.</summary>
    public bool IsAvailable => core is not null && server.BaseUri is not null;

    /// <summary>Checks an Exec (with a command) or Attach (without) and returns its URL.</summary>
    /// <exception cref="InvalidInputException">The request breaks a CRI rule.</exception>
    public Uri RemoteCommandUrl(RemoteCommand command)
    {
        if (string.IsNullOrEmpty(command.ContainerId))
        {
            throw new InvalidInputException("container_id is required");
        }

        if (command.Command is { Count: 0 })
        {
            throw new InvalidInputException("cmd is required");
        }

        // CRI api.proto: at least one of stdin, stdout, stderr must be true; tty with stderr is invalid,
        // because a terminal carries both outputs on one stream.
        if (!command.Stdin && !command.Stdout && !command.Stderr)
        {
            throw new InvalidInputException("one of stdin, stdout, or stderr must be set");
        }

        if (command.Tty && command.Stderr)
        {
            throw new InvalidInputException("tty and stderr cannot both be true");
        }

        Core.ValidateContainer(command.ContainerId);
        return server.IssueUrl(command);
    }

    /// <summary>Checks a PortForward and returns its URL.</summary>
    public Uri PortForwardUrl(PortForwardTarget target)
    {
        if (string.IsNullOrEmpty(target.PodSandboxId))
        {
            throw new InvalidInputException("pod_sandbox_id is required");
        }

        foreach (var port in target.Ports)
        {
            if (port is < 1 or > 65535)
            {
                throw new InvalidInputException($"port {port} is not between 1 and 65535");
            }
        }

        Core.ValidatePod(target.PodSandboxId);
        return server.IssueUrl(target);
    }

    private IContainerStreams Core => core ?? throw new InvalidOperationException("no streaming implementation is registered");
}
