namespace Minato.Engine.Oci.Spec;

/// <summary>One rule of a shipped seccomp profile, kept only when the container's bounding set satisfies its condition.</summary>
/// <param name="Names">The syscalls; names unknown on an architecture are skipped by the runtime (runc, crun and libseccomp do).</param>
/// <param name="Action">An <c>SCMP_ACT_*</c> action.</param>
/// <param name="ErrnoRet">The errno for <c>SCMP_ACT_ERRNO</c>, when not the profile default.</param>
/// <param name="Args">Argument comparisons; all must match.</param>
/// <param name="AnyCapability">The rule applies only when one of these capabilities is in the bounding set.</param>
/// <param name="UnlessCapability">The rule applies only when this capability is not in the bounding set.</param>
public sealed record SeccompRule(
    IReadOnlyList<string> Names,
    string Action = SeccompRule.Allow,
    uint? ErrnoRet = null,
    IReadOnlyList<LinuxSeccompArg>? Args = null,
    IReadOnlyList<string>? AnyCapability = null,
    string? UnlessCapability = null)
{
    public const string Allow = "SCMP_ACT_ALLOW";
    public const string Errno = "SCMP_ACT_ERRNO";

    /// <summary>True when the rule belongs in the profile of a container with <paramref name="bounding"/>.</summary>
    public bool AppliesTo(IReadOnlySet<string> bounding) =>
        (AnyCapability is null || AnyCapability.Any(bounding.Contains)) &&
        (UnlessCapability is null || !bounding.Contains(UnlessCapability));

    /// <summary>The rule as it appears in a runtime spec.</summary>
    public LinuxSyscall ToSyscall() => new() { Names = Names, Action = Action, ErrnoRet = ErrnoRet, Args = Args };
}
