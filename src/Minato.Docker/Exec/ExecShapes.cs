using System.Text.Json.Serialization;

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

/// <summary>ProcessConfig of an exec inspect; dockerd spells its keys in lower case (dockerpty, which compose's exec uses,
/// reads <c>ProcessConfig.tty</c>).</summary>
public sealed record ExecProcessConfig(
    [property: JsonPropertyName("entrypoint")] string Entrypoint,
    [property: JsonPropertyName("arguments")] IReadOnlyList<string> Arguments,
    [property: JsonPropertyName("tty")] bool Tty,
    [property: JsonPropertyName("privileged")] bool Privileged,
    [property: JsonPropertyName("user")] string User);

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
