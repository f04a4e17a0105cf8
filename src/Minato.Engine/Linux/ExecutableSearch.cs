namespace Minato.Engine;

/// <summary>Finds executables the way a shell would, without running one.</summary>
public static class ExecutableSearch
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Returns <paramref name="nameOrPath"/> when it is a path to an executable file, or the first executable of
    /// that name in <c>PATH</c> (plus the sbin directories, which a daemon started by init may lack); null otherwise.
    /// </summary>
    public static string? Find(string nameOrPath)
    {
        if (nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(nameOrPath) ? nameOrPath : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        return dirs.Select(dir => System.IO.Path.Combine(dir, nameOrPath)).FirstOrDefault(IsExecutable);
    }

    /// <summary>True when <paramref name="path"/> is a file with an execute bit.</summary>
    public static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & AnyExecute) != 0;
}
