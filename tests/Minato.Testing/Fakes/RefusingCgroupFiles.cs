using Minato.Engine.Linux.Cgroups;

namespace Minato.Testing.Fakes;

/// <summary>A fixture cgroupfs tree whose kernel refuses writes to one file with an errno, as a real one refuses a
/// memory limit below usage (EBUSY); every other file is read and written for real under the root.</summary>
public sealed class RefusingCgroupFiles(string root, string refusedFile, int errno) : ICgroupFiles
{
    private readonly CgroupFiles _files = new(root);

    /// <summary>The files written, in order, refused ones included.</summary>
    public List<string> Attempts { get; } = [];

    public bool DirectoryExists(string relativePath) => _files.DirectoryExists(relativePath);

    public string? Read(string relativePath) => _files.Read(relativePath);

    public void Write(string relativePath, string value)
    {
        Attempts.Add(relativePath);
        if (relativePath.EndsWith("/" + refusedFile, StringComparison.Ordinal))
        {
            // .NET on Unix reports a failed write(2) as an IOException whose HResult is the errno.
            throw new IOException($"write {relativePath}: refused", errno);
        }

        _files.Write(relativePath, value);
    }
}
