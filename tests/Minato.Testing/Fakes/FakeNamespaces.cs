using System.Collections.Concurrent;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Testing.Fakes;

/// <summary>Namespaces as plain marker files: pinning creates the file, unpinning deletes it.</summary>
public sealed class FakeNamespaces : INamespaces
{
    private int _nextPid = 40000;

    /// <summary>Paths pinned and not yet unpinned.</summary>
    public ConcurrentDictionary<string, NamespaceKind> Pinned { get; } = new();

    /// <summary>Hostnames set, by UTS pin path.</summary>
    public ConcurrentDictionary<string, string> Hostnames { get; } = new();

    /// <summary>Init pids started and not killed.</summary>
    public ConcurrentDictionary<int, string> Inits { get; } = new();

    /// <summary>When set, PinNewAsync fails with this exception after pinning nothing.</summary>
    public Exception? PinFailure { get; set; }

    public Task PinNewAsync(NamespaceRequest request, CancellationToken cancellationToken)
    {
        if (PinFailure is not null)
        {
            throw PinFailure;
        }

        foreach (var (kind, path) in request.Paths)
        {
            File.WriteAllText(path, kind.ProcName());
            Pinned[path] = kind;
            if (kind == NamespaceKind.Uts && request.Hostname is not null)
            {
                Hostnames[path] = request.Hostname;
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> StartPidInitAsync(string initExecutable, string pinPath, IReadOnlyDictionary<NamespaceKind, string> join, CancellationToken cancellationToken)
    {
        var pid = Interlocked.Increment(ref _nextPid);
        File.WriteAllText(pinPath, "pid");
        Pinned[pinPath] = NamespaceKind.Pid;
        Inits[pid] = pinPath;
        return Task.FromResult(pid);
    }

    public Task<T> RunInAsync<T>(IReadOnlyDictionary<NamespaceKind, string> namespaces, Func<T> action) =>
        Task.FromResult(action());

    public Task<IReadOnlyList<T?>> RunInEachAsync<T>(NamespaceKind kind, IReadOnlyList<string> paths, Func<T> action)
        where T : class =>
        Task.FromResult<IReadOnlyList<T?>>(paths.Select(p => Pinned.ContainsKey(p) ? action() : null).ToList());

    public void PinExisting(string source, string path)
    {
        File.WriteAllText(path, source);
        Pinned[path] = NamespaceKind.Net;
    }

    public void Unpin(string path)
    {
        Pinned.TryRemove(path, out _);
        File.Delete(path);
    }

    public bool IsPinned(string path) => Pinned.ContainsKey(path) && File.Exists(path);

    public void KillPidInit(int pid, string pinPath) => Inits.TryRemove(pid, out _);
}
