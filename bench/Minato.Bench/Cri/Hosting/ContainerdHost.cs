namespace Minato.Bench.Cri.Hosting;

/// <summary>Starts and stops the bench's own containerd, and on the way out removes what it leaves behind: shims that
/// outlive it, mounts under its root and state.</summary>
internal sealed class ContainerdHost : IAsyncDisposable
{
    public const string DefaultExecutable = "/usr/bin/containerd";

    private readonly ChildProcess _process;
    private readonly ContainerdConfig _config;

    private ContainerdHost(ChildProcess process, ContainerdConfig config)
    {
        _process = process;
        _config = config;
    }

    public static async Task<BenchRuntime> StartAsync(string executable, ContainerdConfig config, CancellationToken cancellationToken)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"no containerd at {executable}: install Debian's package (apt-get install containerd) or leave it out with --runtimes minato", executable);
        }

        Directory.CreateDirectory(config.Directory);
        await File.WriteAllTextAsync(config.ConfigFile, config.Render(), cancellationToken);

        // containerd finds its shim and runc on PATH; a minimal PATH keeps the run independent of the caller's.
        var environment = new Dictionary<string, string> { ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };
        var process = ChildProcess.Start(executable, ["--config", config.ConfigFile], Path.Combine(config.Directory, "containerd.log"), environment);
        var host = new ContainerdHost(process, config);
        var runtime = new BenchRuntime("containerd", config.Socket, host);
        try
        {
            await EndpointProbe.WaitAsync(runtime, process, TimeSpan.FromSeconds(60), cancellationToken);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    /// <summary>The log file, to point at when a workload misbehaves.</summary>
    public string LogPath => _process.LogPath;

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(20));
        await _process.DisposeAsync();

        // Shims are started detached and outlive containerd by design; those of this instance name its socket.
        HostCleanup.KillProcessesMentioning(_config.Socket);
        HostCleanup.UnmountUnder(_config.Directory);
    }
}
