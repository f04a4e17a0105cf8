namespace Minato.Engine.Oci.Spec;

/// <summary>A seccomp filter: a default action and per-syscall rules (runtime-spec <c>linux.seccomp</c>).</summary>
public sealed record LinuxSeccomp
{
    public required string DefaultAction { get; init; }

    public uint? DefaultErrnoRet { get; init; }

    public IReadOnlyList<string>? Architectures { get; init; }

    public IReadOnlyList<string>? Flags { get; init; }

    public IReadOnlyList<LinuxSyscall>? Syscalls { get; init; }
}

/// <summary>An action for a set of syscalls, optionally only when the arguments match.</summary>
public sealed record LinuxSyscall
{
    public required IReadOnlyList<string> Names { get; init; }

    public required string Action { get; init; }

    public uint? ErrnoRet { get; init; }

    public IReadOnlyList<LinuxSeccompArg>? Args { get; init; }
}

/// <summary>A comparison of one syscall argument (<c>SCMP_CMP_*</c>).</summary>
public sealed record LinuxSeccompArg(uint Index, ulong Value, string Op, ulong? ValueTwo = null);
