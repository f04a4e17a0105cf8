using System.Collections.Concurrent;
using Minato.Engine.Linux;

namespace Minato.Testing.Fakes;

/// <summary>Mounts as a set of targets; directories are created like the real ones.</summary>
public sealed class FakeMounts : IMounts
{
    public ConcurrentDictionary<string, string> Mounted { get; } = new();

    public void MountTmpfs(string target, string options)
    {
        Directory.CreateDirectory(target);
        Mounted[target] = options;
    }

    public void Unmount(string target) => Mounted.TryRemove(target, out _);
}
