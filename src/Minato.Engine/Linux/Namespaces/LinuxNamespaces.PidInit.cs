using System.Diagnostics;
using Minato.Engine.Errors;

namespace Minato.Engine.Linux.Namespaces;

/// <summary>The init of a pod's pid namespace when the pod has a user namespace of its own.</summary>
/// <remarks>
/// A pid namespace belongs to the user namespace of the process that makes it, and a container in the pod's user
/// namespace can neither join nor mount <c>/proc</c> of a pid namespace owned by the host's. The daemon, having many
/// threads, cannot enter a user namespace, so util-linux's <c>nsenter</c> enters the pod's pinned namespaces (user last,
/// then uid and gid 0 of the namespace: the init holds the pod's mapped ids on the host, never host root), and execs
/// <c>unshare --pid --fork</c>, whose child runs the init as pid 1. <c>unshare</c> stays as the init's parent and goes
/// when it goes (and takes the init with it, should it be killed first).
/// </remarks>
public sealed partial class LinuxNamespaces
{
    private static async Task<int> StartPidInitInUserNamespaceAsync(
        string initExecutable, string pinPath, IReadOnlyDictionary<NamespaceKind, string> join, CancellationToken cancellationToken)
    {
        var nsenter = ExecutableSearch.Find("nsenter")
            ?? throw new PreconditionException("a shared pid namespace in a user namespace needs util-linux's nsenter, which is not installed");
        var unshare = ExecutableSearch.Find("unshare")
            ?? throw new PreconditionException("user namespaces need util-linux's unshare, which is not installed");
        var start = new ProcessStartInfo(nsenter)
        {
            UseShellExecute = false,
            WorkingDirectory = "/",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (kind, path) in join)
        {
            start.ArgumentList.Add($"--{kind.ProcName()}={path}");
        }

        foreach (var argument in new[] { "--", unshare, "--pid", "--fork", "--kill-child", "--", initExecutable, "-P" })
        {
            start.ArgumentList.Add(argument);
        }

        using var parent = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {nsenter}");
        parent.StandardInput.Close();
        int init;
        try
        {
            init = await WaitForInitAsync(parent, cancellationToken);
        }
        catch
        {
            End(parent);
            throw;
        }

        try
        {
            Pin($"/proc/{init}/ns/pid", pinPath);
        }
        catch
        {
            _ = Interop.NamespaceCalls.Kill(init, 9);
            throw;
        }

        return init;
    }

    /// <summary>Waits until <c>unshare</c> has forked the init and the init is pid 1 of its own namespace; its host pid.</summary>
    private static async Task<int> WaitForInitAsync(Process parent, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Child(parent.Id) is { } child && IsPodInit(child))
            {
                return child;
            }

            if (parent.HasExited || deadline.Elapsed > HelperTimeout)
            {
                var error = parent.HasExited ? await parent.StandardError.ReadToEndAsync(cancellationToken) : "no init in time";
                throw new IOException($"the pod's pid namespace could not be made inside its user namespace: {error.Trim()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
        }
    }

    private static int? Child(int pid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length == 1 && int.TryParse(children[0], out var child) ? child : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
