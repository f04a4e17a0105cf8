namespace Minato.Engine.Linux.Cgroups;

/// <summary>The cgroup filesystem at the OS boundary: reads and writes of control files under one root.</summary>
/// <remarks>
/// Paths are relative to the root (<c>/sys/fs/cgroup</c> on a host, a fixture tree in tests). A write goes to an existing
/// file only, never creates one, and a refusal by the kernel surfaces as an <see cref="IOException"/> whose
/// <see cref="Exception.HResult"/> is the errno, as .NET reports failed writes on Unix.
/// </remarks>
public interface ICgroupFiles
{
    /// <summary>True when the directory exists under the root.</summary>
    bool DirectoryExists(string relativePath);

    /// <summary>The file's content, or null when it does not exist.</summary>
    string? Read(string relativePath);

    /// <summary>Writes <paramref name="value"/> to an existing control file.</summary>
    /// <exception cref="IOException">The kernel refused the value (HResult is the errno), or the file is missing.</exception>
    void Write(string relativePath, string value);
}

/// <summary>The real cgroup filesystem under a mount root.</summary>
public sealed class CgroupFiles(string root = "/sys/fs/cgroup") : ICgroupFiles
{
    /// <inheritdoc/>
    public bool DirectoryExists(string relativePath) => Directory.Exists(Full(relativePath));

    /// <inheritdoc/>
    public string? Read(string relativePath)
    {
        try
        {
            return File.ReadAllText(Full(relativePath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Write(string relativePath, string value)
    {
        // Truncate without create (O_WRONLY|O_TRUNC): a control file the kernel does not offer is an error, not a new file.
        using var handle = File.OpenHandle(Full(relativePath), FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);

        // One write(2): the kernel parses and judges the whole value in that call.
        RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(value), 0);
    }

    private string Full(string relativePath) => Path.Join(root, relativePath.TrimStart('/'));
}
