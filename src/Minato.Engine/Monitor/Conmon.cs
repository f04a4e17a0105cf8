using System.Text;
using System.Text.Json;
using Minato.Engine.Linux.Processes;
using Minato.Engine.Oci;

namespace Minato.Engine.Monitor;

/// <summary>Starts one conmon per container: it runs the runtime's <c>create</c>, then holds stdio, writes the CRI log, records the exit code.</summary>
/// <remarks>
/// conmon double-forks and outlives the daemon, so containers keep running and logging while Minato is down.
/// It reports the container's pid, or the runtime's error text, as one JSON line on a sync pipe (fd 3).
/// </remarks>
public sealed class Conmon(ConmonOptions options) : IContainerMonitor
{
    private const int SyncFd = 3;

    public string ExitDirectory => options.ExitDirectory;

    /// <summary>True while the pid file in the bundle names a live process called conmon.</summary>
    public bool IsAlive(string bundleDirectory)
    {
        try
        {
            var pid = File.ReadAllText(Path.Combine(bundleDirectory, "conmon.pid")).Trim();
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "conmon";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Writes "2 0 0" to conmon's control FIFO in the bundle (see <see cref="ContainerLaunch.ControlFifo"/>).</summary>
    public async Task ReopenLogAsync(string bundleDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fifo = Path.Combine(bundleDirectory, "ctl");

        // Opening a FIFO for writing blocks until a reader has it open; conmon keeps it open while it runs.
        var write = Task.Run(
            async () =>
            {
                await using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
                await stream.WriteAsync("2 0 0\n"u8.ToArray(), cancellationToken);
            },
            cancellationToken);
        await write.WaitAsync(timeout, cancellationToken);
    }

    public string AttachSocketPath(string containerId) => ConmonAttach.SocketPath(options.AttachSocketDirectory, containerId);

    public void Forget(string containerId)
    {
        var sockets = Path.Combine(options.AttachSocketDirectory, containerId);
        if (Directory.Exists(sockets))
        {
            Directory.Delete(sockets, recursive: true);
        }

        File.Delete(Path.Combine(options.ExitDirectory, containerId));
    }

    /// <summary>Creates the container (not started) and returns its init's host pid.</summary>
    /// <exception cref="OciRuntimeException">The runtime refused to create it; the message is the runtime's.</exception>
    public async Task<int> CreateAsync(ContainerLaunch launch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var runtime = launch.Runtime.ResolveExecutable() ?? throw new OciRuntimeException($"OCI runtime {launch.Runtime.Name} not found at {launch.Runtime.Path}");
        Directory.CreateDirectory(options.ExitDirectory);
        Directory.CreateDirectory(options.AttachSocketDirectory);
        Directory.CreateDirectory(launch.Runtime.Root);
        var (read, write) = SpawnedProcess.CreatePipe();
        using (read)
        {
            int pid;
            using (write)
            {
                pid = SpawnedProcess.Spawn(options.ConmonPath, Arguments(launch, runtime), Environment(), [(write, SyncFd)]);
            }

            // The first conmon process exits as soon as it has forked its monitor; reap it.
            var intermediate = SpawnedProcess.WaitAsync(pid);
            using var stream = new FileStream(read, FileAccess.Read, bufferSize: 1);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            string? line;
            try
            {
                // A blocking pipe read cannot be cancelled; on timeout conmon is killed, which closes the pipe.
                line = await ReadLineAsync(stream).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                KillMonitor(launch);

                // A conmon that never forked (hung before it) is still our child: kill and reap it, leaving no process.
                if (!intermediate.IsCompleted)
                {
                    Linux.Interop.NamespaceCalls.Kill(pid, 9);
                }

                await intermediate;
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new OciRuntimeException($"conmon did not report the container within {timeout.TotalSeconds:0}s");
            }

            var exit = await intermediate;
            return Parse(line, exit);
        }
    }

    private List<string> Arguments(ContainerLaunch launch, string runtime)
    {
        var args = new List<string>
        {
            options.ConmonPath, "--api-version",
            "-c", launch.Id, "-u", launch.Id, "-n", launch.Name,
            "-r", runtime, "--runtime-arg", "--root=" + launch.Runtime.Root,
            "-b", launch.BundleDirectory,
            "-p", launch.PidFile, "-P", launch.ConmonPidFile,
            "-l", "k8s-file:" + launch.LogPath,
            "--exit-dir", options.ExitDirectory,
            "--persist-dir", launch.BundleDirectory,
            "--socket-dir-path", options.AttachSocketDirectory,
            "--log-level", "error",
        };
        if (options.SystemdCgroup)
        {
            args.Add("-s");
        }

        // conmon then runs the runtime's "restore --detach --image-path <path> --work-path <bundle>" instead of "create".
        if (launch.RestoreImagePath.Length > 0)
        {
            args.Add("--restore");
            args.Add(launch.RestoreImagePath);
        }

        if (launch.Terminal)
        {
            args.Add("-t");
        }

        if (launch.Stdin)
        {
            args.Add("-i");
            if (!launch.StdinOnce)
            {
                args.Add("--leave-stdin-open");
            }
        }

        return args;
    }

    private static Dictionary<string, string> Environment() => new()
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["_OCI_SYNCPIPE"] = SyncFd.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int Parse(string? line, int conmonExit)
    {
        if (line is null)
        {
            throw new OciRuntimeException($"conmon exited ({conmonExit}) without reporting the container");
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var data = document.RootElement.GetProperty("data").GetInt32();
            if (data > 0)
            {
                return data;
            }

            var message = document.RootElement.TryGetProperty("message", out var m) ? m.GetString()?.Trim() : null;
            throw new OciRuntimeException(string.IsNullOrEmpty(message) ? "the OCI runtime failed to create the container" : message);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new OciRuntimeException($"conmon sent an unreadable report: {line}", e);
        }
    }

    /// <summary>Kills the monitor of a launch that did not report in time, and the runtime it runs (a hung
    /// <c>create</c> would otherwise outlive it, reparented to init).</summary>
    private static void KillMonitor(ContainerLaunch launch)
    {
        try
        {
            if (int.TryParse(File.ReadAllText(launch.ConmonPidFile).Trim(), out var conmon) && conmon > 1)
            {
                // Descendants are listed before anything dies, so none is reparented out of reach first.
                foreach (var pid in Descendants(conmon).Prepend(conmon).ToList())
                {
                    Linux.Interop.NamespaceCalls.Kill(pid, 9);
                }
            }
        }
        catch (IOException)
        {
            // No pid file: the intermediate process has not forked yet and dies with the pipe.
        }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        string children;
        try
        {
            children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var field in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(field, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var child))
            {
                yield return child;
                foreach (var grandchild in Descendants(child))
                {
                    yield return grandchild;
                }
            }
        }
    }

    private static async Task<string?> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString(line.ToArray());
            }

            line.Add(one[0]);
        }

        throw new OciRuntimeException("conmon's report is longer than 64 KiB");
    }
}
