namespace Minato.Docker.Exec;

/// <summary>The body of <c>POST /containers/{id}/exec</c>.</summary>
public sealed record ExecCreateRequest
{
    public bool AttachStdin { get; init; }

    public bool AttachStdout { get; init; }

    public bool AttachStderr { get; init; }

    public string? DetachKeys { get; init; }

    public bool Tty { get; init; }

    public List<int>? ConsoleSize { get; init; }

    public List<string>? Env { get; init; }

    public List<string>? Cmd { get; init; }

    public bool Privileged { get; init; }

    public string? User { get; init; }

    public string? WorkingDir { get; init; }
}

/// <summary>The body of <c>POST /exec/{id}/start</c>.</summary>
public sealed record ExecStartRequest
{
    public bool Detach { get; init; }

    public bool Tty { get; init; }

    public List<int>? ConsoleSize { get; init; }
}

/// <summary>The answer to an exec create.</summary>
public sealed record ExecCreateResponse(string Id);

/// <summary>ProcessConfig of an exec inspect.</summary>
public sealed record ExecProcessConfig(string Entrypoint, IReadOnlyList<string> Arguments, bool Tty, bool Privileged, string User);

/// <summary>The answer to <c>GET /exec/{id}/json</c>.</summary>
public sealed record ExecInspect
{
    public required string ID { get; init; }

    public bool Running { get; init; }

    public int? ExitCode { get; init; }

    public required ExecProcessConfig ProcessConfig { get; init; }

    public bool OpenStdin { get; init; }

    public bool OpenStderr { get; init; }

    public bool OpenStdout { get; init; }

    public bool CanRemove { get; init; }

    public required string ContainerID { get; init; }

    public string DetachKeys { get; init; } = string.Empty;

    public int Pid { get; init; }
}
