using System.Diagnostics;
using System.Text;
using Minato.Engine.Errors;

namespace Minato.Engine.Linux.Namespaces;

/// <summary>Pod namespaces inside a new user namespace.</summary>
/// <remarks>
/// The kernel lets only a single-threaded process create or join a user namespace (unshare and setns answer EINVAL
/// otherwise), and the daemon has many threads. So util-linux's <c>unshare</c> makes the user namespace and the
/// pod's other namespaces in one call (which makes the user namespace their owner) and then waits in <c>cat</c> on a
/// pipe; the daemon, root in the parent namespace, writes the mappings, pins every namespace from the helper's
/// <c>/proc/PID/ns</c>, sets the hostname and brings loopback up from a thread that joins the net and uts namespaces
/// (those need no user namespace change), and ends the helper. The pins keep the namespaces alive without a process.
/// </remarks>
public sealed partial class LinuxNamespaces
{
    private static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(10);

    private async Task PinInNewUserNamespaceAsync(NamespaceRequest request, CancellationToken cancellationToken)
    {
        var mappings = request.UserMappings ?? throw new ArgumentException("a user namespace needs its mappings", nameof(request));
        var unshare = ExecutableSearch.Find("unshare")
            ?? throw new PreconditionException("user namespaces need util-linux's unshare, which is not installed");
        var cat = ExecutableSearch.Find("cat") ?? throw new PreconditionException("user namespaces need cat (coreutils), which is not installed");
        var start = new ProcessStartInfo(unshare)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--user");
        foreach (var kind in request.Paths.Keys.Where(k => k != NamespaceKind.User))
        {
            start.ArgumentList.Add("--" + kind.ProcName());
        }

        start.ArgumentList.Add("--");
        start.ArgumentList.Add(cat);
        using var helper = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {unshare}");
        var pinned = new List<string>();
        try
        {
            await WaitForUserNamespaceAsync(helper, cancellationToken);
            WriteMap(helper.Id, "uid_map", UserNamespaceMappings.MapFile(mappings.Uids));
            WriteMap(helper.Id, "gid_map", UserNamespaceMappings.MapFile(mappings.Gids));
            foreach (var (kind, path) in request.Paths)
            {
                Pin($"/proc/{helper.Id}/ns/{kind.ProcName()}", path);
                pinned.Add(path);
            }

            var others = request.Paths.Where(p => p.Key is NamespaceKind.Net or NamespaceKind.Uts).ToDictionary(p => p.Key, p => p.Value);
            if (others.Count > 0)
            {
                await RunInAsync(others, () =>
                {
                    if (request.Hostname is { } hostname && others.ContainsKey(NamespaceKind.Uts))
                    {
                        SetHostname(hostname);
                    }

                    if (others.ContainsKey(NamespaceKind.Net))
                    {
                        Loopback.BringUp();
                    }

                    return true;
                });
            }
        }
        catch
        {
            pinned.ForEach(Unpin);
            throw;
        }
        finally
        {
            End(helper);
        }
    }

    /// <summary>Waits until the helper's user namespace differs from the daemon's: unshare made every namespace in one call.</summary>
    private static async Task WaitForUserNamespaceAsync(Process helper, CancellationToken cancellationToken)
    {
        var own = new FileInfo("/proc/self/ns/user").LinkTarget;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            string? current;
            try
            {
                current = new FileInfo($"/proc/{helper.Id}/ns/user").LinkTarget;
            }
            catch (IOException)
            {
                current = null;
            }

            if (current is not null && current != own)
            {
                return;
            }

            if (helper.HasExited || deadline.Elapsed > HelperTimeout)
            {
                var error = helper.HasExited ? await helper.StandardError.ReadToEndAsync(cancellationToken) : "no new user namespace in time";
                throw new IOException($"unshare --user could not make the pod's user namespace: {error.Trim()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
        }
    }

    /// <summary>The kernel takes a map in one write at offset 0, of less than a page, once.</summary>
    private static void WriteMap(int pid, string file, string content)
    {
        var path = $"/proc/{pid}/{file}";
        var bytes = Encoding.ASCII.GetBytes(content);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        try
        {
            RandomAccess.Write(handle, bytes, 0);
        }
        catch (IOException e)
        {
            throw new IOException($"writing {file} of the pod's user namespace failed: {e.Message}", e);
        }
    }

    private static void End(Process helper)
    {
        try
        {
            helper.StandardInput.Close();
            if (!helper.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                helper.Kill();
                helper.WaitForExit();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
