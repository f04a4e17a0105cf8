namespace Minato.Engine.Oci;

/// <summary>A configured OCI runtime (CRI "runtime handler"): the binary and where it keeps container state.</summary>
/// <param name="Name">The handler name the CRI caller selects (<c>runtime_handler</c>).</param>
/// <param name="Path">The executable: an absolute path, or a name looked up in PATH.</param>
/// <param name="Root">The runtime's <c>--root</c> state directory, private to this Minato instance.</param>
public sealed record OciRuntimeHandler(string Name, string Path, string Root)
{
    /// <summary>Resolves <see cref="Path"/> to an executable file, or null when there is none.</summary>
    public string? ResolveExecutable() => ExecutableSearch.Find(Path);
}
