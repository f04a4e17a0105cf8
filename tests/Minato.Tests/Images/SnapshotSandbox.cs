using System.Security.Cryptography;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Tests.Images;

/// <summary>A temp directory with an empty snapshot root and a sentinel directory outside it that no layer may touch.</summary>
internal sealed class SnapshotSandbox : IDisposable
{
    private const string CanaryText = "canary";
    private readonly (string Hash, FileStatus Status) passwdBefore;

    public SnapshotSandbox()
    {
        Base = Path.Combine(Path.GetTempPath(), "minato-unpack-tests", Guid.NewGuid().ToString("N"));
        Root = Path.Combine(Base, "snapshot");
        Sentinel = Path.Combine(Base, "sentinel");
        System.IO.Directory.CreateDirectory(Root);
        System.IO.Directory.CreateDirectory(Sentinel);
        System.IO.File.WriteAllText(Canary, CanaryText);
        System.IO.File.SetUnixFileMode(Canary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        passwdBefore = Fingerprint("/etc/passwd");
    }

    public string Base { get; }

    public string Root { get; }

    public string Sentinel { get; }

    public string Canary => Path.Combine(Sentinel, "canary");

    public static UnpackLimits Limits(long maxBytes = 64 << 20) => new() { MaxBytes = maxBytes };

    public Task<UnpackResult> UnpackAsync(byte[] tar, UnpackLimits? limits = null) =>
        UnpackAsync(new MemoryStream(tar), limits);

    public Task<UnpackResult> UnpackAsync(Stream tar, UnpackLimits? limits = null) =>
        new LayerUnpacker(limits ?? Limits()).UnpackAsync(tar, Root, CancellationToken.None);

    /// <summary>The status of an entry inside the snapshot, without following a final symlink.</summary>
    public FileStatus? Status(string path)
    {
        using var root = RootedDirectory.Open(Root);
        return root.GetStatus(path);
    }

    /// <summary>Fails unless the sentinel holds only the unchanged canary and /etc/passwd is as it was.</summary>
    public void AssertHostUntouched()
    {
        Assert.Equal([Canary], System.IO.Directory.GetFileSystemEntries(Sentinel));
        Assert.Equal(CanaryText, System.IO.File.ReadAllText(Canary));
        var canary = Fingerprint(Canary).Status;
        Assert.True(canary.IsRegularFile);
        Assert.Equal(TarBuilder.Octal("600"), canary.Permissions);
        Assert.Equal(1u, canary.LinkCount);
        Assert.Equal(passwdBefore, Fingerprint("/etc/passwd"));
        Assert.False(Path.Exists("/etc/minato-escape"));
        Assert.True(System.IO.Directory.Exists(Root) && !new DirectoryInfo(Root).Attributes.HasFlag(FileAttributes.ReparsePoint));
    }

    public void Dispose() => System.IO.Directory.Delete(Base, recursive: true);

    private static (string Hash, FileStatus Status) Fingerprint(string hostPath)
    {
        using var parent = RootedDirectory.Open(Path.GetDirectoryName(hostPath)!);
        var status = parent.GetStatus(Path.GetFileName(hostPath)) ?? throw new FileNotFoundException(hostPath);
        return (Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(hostPath))), status);
    }
}
