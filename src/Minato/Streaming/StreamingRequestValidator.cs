using Minato.Cri.Streaming;
using Minato.Engine.Errors;

namespace Minato.Streaming;

/// <summary>The Exec, Attach and PortForward RPCs' rules: validate now, hand back a single-use URL.</summary>
public sealed class StreamingRequestValidator(StreamingServer server, IContainerStreams? core)
{
    /// <summary>Bytes of command line an Exec may carry: Linux's own ARG_MAX default. Each pending token holds its
    /// request, so without a bound 1,000 unused 16 MiB requests could pin 16 GiB.</summary>
    public const int MaxCommandBytes = 2 * 1024 * 1024;

    /// <summary>Ports one PortForward may name; the WebSocket form cannot carry more either.</summary>
    public const int MaxPorts = 127;

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

        if (command.Command is { } args && args.Sum(a => (long)System.Text.Encoding.UTF8.GetByteCount(a) + 1) > MaxCommandBytes)
        {
            throw new InvalidInputException($"cmd is longer than {MaxCommandBytes} bytes");
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

        if (target.Ports.Count > MaxPorts)
        {
            throw new InvalidInputException($"{target.Ports.Count} ports requested; at most {MaxPorts} per port-forward");
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
