using System.Threading.Channels;

namespace Minato.Cri.Streaming;

/// <summary>A terminal size from a client's resize stream, in character cells.</summary>
public readonly record struct TerminalSize(ushort Width, ushort Height);

/// <summary>The client's side of one exec or attach session, as the streaming server hands it to the core.</summary>
/// <remarks>
/// A null stream means the client did not ask for it. <see cref="Stdin"/> is read until end of stream (the client
/// closed its stdin); <see cref="Stdout"/> and <see cref="Stderr"/> are written and never disposed by the core.
/// With a TTY there is no separate stderr: the terminal carries both.
/// </remarks>
public sealed class StreamingSession
{
    /// <summary>Bytes the client types or pipes in; end of stream when the client closes stdin.</summary>
    public Stream? Stdin { get; init; }

    /// <summary>Where the process's stdout (or the terminal's output) goes.</summary>
    public Stream? Stdout { get; init; }

    /// <summary>Where the process's stderr goes; null with a TTY.</summary>
    public Stream? Stderr { get; init; }

    /// <summary>Run with (exec) or expect (attach) a terminal.</summary>
    public bool Tty { get; init; }

    /// <summary>Terminal size changes from the client, in order; completes when the client goes away.</summary>
    public ChannelReader<TerminalSize>? Resize { get; init; }
}

/// <summary>The core's side of the streaming RPCs: validation at request time, then the sessions themselves.</summary>
public interface IContainerStreams
{
    /// <summary>Checks an Exec or Attach request when the RPC arrives (the container exists and runs), so a bad
    /// request fails at the RPC with NotFound / FailedPrecondition instead of after the client connected.</summary>
    void ValidateContainer(string containerId);

    /// <summary>Checks a PortForward request when the RPC arrives (the pod exists and has a network namespace).</summary>
    void ValidatePod(string podSandboxId);

    /// <summary>Runs <paramref name="command"/> in the container with the session's streams and returns its exit code.
    /// Cancelling (the client went away) ends the command's stdio; the command itself is killed.</summary>
    Task<int> ExecAsync(string containerId, IReadOnlyList<string> command, StreamingSession session, CancellationToken cancellationToken);

    /// <summary>Connects the session to the running container's stdio (through conmon) until the container exits
    /// or <paramref name="cancellationToken"/> is cancelled (the client went away).</summary>
    Task AttachAsync(string containerId, StreamingSession session, CancellationToken cancellationToken);

    /// <summary>Connects to <paramref name="port"/> on localhost inside the pod's network namespace (tcp4, then tcp6)
    /// and pipes <paramref name="connection"/> both ways until either side closes. Throws
    /// <see cref="PortForwardException"/> when nothing listens there.</summary>
    Task PortForwardAsync(string podSandboxId, int port, Stream connection, CancellationToken cancellationToken);
}

/// <summary>A port-forward connection could not be made; the message goes to the client's error stream.</summary>
public sealed class PortForwardException(string message, Exception? inner = null) : Exception(message, inner);
