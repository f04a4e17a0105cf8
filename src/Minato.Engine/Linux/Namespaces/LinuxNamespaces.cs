using System.Diagnostics;
using System.Text;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.NamespaceCalls;

namespace Minato.Engine.Linux.Namespaces;

/// <summary>Namespaces through unshare/setns/mount on dedicated threads (see <see cref="DedicatedThread"/>).</summary>
/// <remarks>
/// Chosen over running util-linux <c>unshare</c> per pod: no fork/exec on the pod start path, and the same
/// thread that creates the network namespace brings loopback up without another process.
/// </remarks>
public sealed partial class LinuxNamespaces : INamespaces
{
    private const long NsfsMagic = 0x6e736673;
    private const int ORdOnlyCloExec = 0x80000;

    public Task PinNewAsync(NamespaceRequest request, CancellationToken cancellationToken)
    {
        if (request.Paths.ContainsKey(NamespaceKind.Pid))
        {
            throw new ArgumentException("pid namespaces need an init process: use StartPidInitAsync", nameof(request));
        }

        if (request.Paths.ContainsKey(NamespaceKind.User))
        {
            return PinInNewUserNamespaceAsync(request, cancellationToken);
        }

        return DedicatedThread.RunAsync("minato-ns-pin", () =>
        {
            using var saved = SavedNamespaces.Save(request.Paths.Keys);
            var flags = request.Paths.Keys.Aggregate(0, (f, k) => f | k.CloneFlag());
            Check(Unshare(flags), "unshare");
            var pinned = new List<string>();
            try
            {
                if (request.Hostname is { } hostname && request.Paths.ContainsKey(NamespaceKind.Uts))
                {
                    SetHostname(hostname);
                }

                if (request.Paths.ContainsKey(NamespaceKind.Net))
                {
                    Loopback.BringUp();
                }

                foreach (var (kind, path) in request.Paths)
                {
                    Pin($"/proc/thread-self/ns/{kind.ProcName()}", path);
                    pinned.Add(path);
                }
            }
            catch
            {
                pinned.ForEach(Unpin);
                throw;
            }
            finally
            {
                saved.Restore();
            }

            return true;
        });
    }

    public async Task<int> StartPidInitAsync(string initExecutable, string pinPath, IReadOnlyDictionary<NamespaceKind, string> join, CancellationToken cancellationToken)
    {
        if (join.ContainsKey(NamespaceKind.User))
        {
            return await StartPidInitInUserNamespaceAsync(initExecutable, pinPath, join, cancellationToken);
        }

        return await DedicatedThread.RunAsync("minato-ns-init", () =>
        {
            // unshare(CLONE_NEWPID) changes only the namespace of this thread's future children; the thread
            // itself is discarded afterwards.
            using var saved = SavedNamespaces.Save(join.Keys);
            Join(join);
            Check(Unshare(CloneNewPid), "unshare(CLONE_NEWPID)");
            var start = new ProcessStartInfo(initExecutable)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add("-P");
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {initExecutable}");
            process.StandardInput.Close();
            var pid = process.Id;
            try
            {
                Pin($"/proc/{pid}/ns/pid", pinPath);
            }
            catch
            {
                process.Kill();
                throw;
            }

            return pid;
        });
    }

    public Task<T> RunInAsync<T>(IReadOnlyDictionary<NamespaceKind, string> namespaces, Func<T> action) =>
        DedicatedThread.RunAsync("minato-ns-run", () =>
        {
            using var saved = SavedNamespaces.Save(namespaces.Keys);
            Join(namespaces);
            try
            {
                return action();
            }
            finally
            {
                saved.Restore();
            }
        });

    public Task<IReadOnlyList<T?>> RunInEachAsync<T>(NamespaceKind kind, IReadOnlyList<string> paths, Func<T> action)
        where T : class =>
        DedicatedThread.RunAsync<IReadOnlyList<T?>>("minato-ns-each", () =>
        {
            using var saved = SavedNamespaces.Save([kind]);
            var results = new List<T?>(paths.Count);
            try
            {
                foreach (var path in paths)
                {
                    results.Add(TryJoin(kind, path) ? action() : null);
                }
            }
            finally
            {
                saved.Restore();
            }

            return results;
        });

    public void PinExisting(string source, string path)
    {
        // A process still in the daemon's namespace (a wrong pid, a host-mode container) must never have the host's
        // interfaces configured as if they were a container's.
        var target = new FileInfo(source).LinkTarget;
        if (target is null || target == new FileInfo($"/proc/thread-self/ns/{Path.GetFileName(source)}").LinkTarget)
        {
            throw new Errors.PreconditionException($"{source} is not a namespace of its own (it is the daemon's or missing)");
        }

        Pin(source, path);
    }

    public void Unpin(string path)
    {
        LinuxMounts.Detach(path);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // The state directory is gone (a reboot emptied its tmpfs): nothing is pinned there any more.
        }
    }

    public unsafe bool IsPinned(string path)
    {
        StatfsBuffer buffer;
        return Statfs(path, &buffer) == 0 && buffer.Type == NsfsMagic;
    }

    public void KillPidInit(int pid, string pinPath)
    {
        if (IsPodInit(pid))
        {
            _ = Kill(pid, 9);
        }
    }

    /// <summary>
    /// True when <paramref name="pid"/> is still pid 1 of a child pid namespace (its NSpid line ends in 1), so a
    /// recycled pid after a crash or reboot is never killed by mistake.
    /// </summary>
    private static bool IsPodInit(int pid)
    {
        try
        {
            var nspid = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            var fields = nspid?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: >= 3 } && fields[^1] == "1";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Pin(string source, string path)
    {
        using (File.Create(path))
        {
        }

        if (Mount(source, path, null, MsBind, null) != 0)
        {
            var error = SyscallException.FromLastError("mount", path);
            File.Delete(path);
            throw error;
        }
    }

    private static void Join(IReadOnlyDictionary<NamespaceKind, string> namespaces)
    {
        foreach (var (kind, path) in namespaces)
        {
            var fd = Open(path, ORdOnlyCloExec);
            Check(fd, "open", path);
            try
            {
                Check(Setns(fd, kind.CloneFlag()), "setns", path);
            }
            finally
            {
                _ = Close(fd);
            }
        }
    }

    /// <summary>Joins one namespace; false when it is gone (the pod was removed meanwhile).</summary>
    private static bool TryJoin(NamespaceKind kind, string path)
    {
        var fd = Open(path, ORdOnlyCloExec);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return Setns(fd, kind.CloneFlag()) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static unsafe void SetHostname(string hostname)
    {
        var bytes = Encoding.ASCII.GetBytes(hostname);
        fixed (byte* p = bytes)
        {
            Check(Sethostname(p, (nuint)bytes.Length), "sethostname");
        }
    }

    private static void Check(int result, string call, string? path = null)
    {
        if (result < 0)
        {
            throw SyscallException.FromLastError(call, path);
        }
    }

    /// <summary>The thread's original namespaces, reopened and rejoined after the work.</summary>
    private sealed class SavedNamespaces : IDisposable
    {
        private readonly List<(NamespaceKind Kind, int Fd)> _fds = [];

        public static SavedNamespaces Save(IEnumerable<NamespaceKind> kinds)
        {
            var saved = new SavedNamespaces();
            foreach (var kind in kinds.Where(k => k != NamespaceKind.Pid))
            {
                var fd = Open($"/proc/thread-self/ns/{kind.ProcName()}", ORdOnlyCloExec);
                Check(fd, "open", $"/proc/thread-self/ns/{kind.ProcName()}");
                saved._fds.Add((kind, fd));
            }

            return saved;
        }

        public void Restore()
        {
            // Best effort: the thread ends right after, so a failure here cannot affect other work.
            foreach (var (kind, fd) in _fds)
            {
                _ = Setns(fd, kind.CloneFlag());
            }
        }

        public void Dispose() => _fds.ForEach(f => Close(f.Fd));
    }
}
