namespace Minato.Streaming;

/// <summary>What a streaming URL was issued for; held by <see cref="StreamingTokens"/> until the client connects.</summary>
public abstract record StreamingRequest;

/// <summary>An Exec (with <see cref="Command"/>) or an Attach (without) against one container.</summary>
public sealed record RemoteCommand(string ContainerId, IReadOnlyList<string>? Command, bool Tty, bool Stdin, bool Stdout, bool Stderr)
    : StreamingRequest
{
    /// <summary>Attach has no command of its own.</summary>
    public bool IsAttach => Command is null;
}

/// <summary>A PortForward into one pod's network namespace; <see cref="Ports"/> may be empty (any port).</summary>
public sealed record PortForwardTarget(string PodSandboxId, IReadOnlyList<int> Ports) : StreamingRequest;
