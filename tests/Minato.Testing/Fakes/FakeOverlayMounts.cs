using System.Collections.Concurrent;
using Minato.Engine.Linux;

namespace Minato.Testing.Fakes;

/// <summary>Overlay mounts as a set of targets; the target directory is created as the real mount makes it appear.</summary>
public sealed class FakeOverlayMounts : IOverlayMounts
{
    /// <summary>Mounted targets with their lower directories, top first.</summary>
    public ConcurrentDictionary<string, IReadOnlyList<string>> Mounted { get; } = new();

    /// <summary>When set, the next mount throws this.</summary>
    public Exception? FailNext { get; set; }

    /// <summary>Called with each new target once it exists, to put there what the image's layers would show.</summary>
    public Action<string>? OnMount { get; set; }

    public void MountOverlay(string target, IReadOnlyList<string> lowerDirectories, string upperDirectory, string workDirectory)
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        Directory.CreateDirectory(upperDirectory);
        Directory.CreateDirectory(workDirectory);
        Directory.CreateDirectory(target);
        Mounted[target] = lowerDirectories;
        OnMount?.Invoke(target);
    }

    public void Unmount(string target) => Mounted.TryRemove(target, out _);

    public bool IsMounted(string target) => Mounted.ContainsKey(target);
}
