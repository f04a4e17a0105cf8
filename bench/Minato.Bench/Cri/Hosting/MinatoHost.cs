namespace Minato.Bench.Cri.Hosting;

/// <summary>Starts a <c>minato daemon</c> on its own socket, root and state under the bench's temp dir.</summary>
internal static class MinatoHost
{
    /// <summary>The Minato the bench measures by default: the one built with it (next to <c>minato-bench</c>), so the
    /// report describes the checked-out code rather than whatever was installed last.</summary>
    public static string DefaultExecutable => Path.Combine(AppContext.BaseDirectory, "minato");

    public static async Task<BenchRuntime> StartAsync(string executable, string directory, BenchNetwork network, CancellationToken cancellationToken)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"no minato executable at {executable} (build the solution, or pass --minato)", executable);
        }

        Directory.CreateDirectory(directory);
        var socket = Path.Combine(directory, "minato.sock");
        var process = ChildProcess.Start(executable,
        [
            "daemon", "--listen", "unix://" + socket, "--root", Path.Combine(directory, "root"), "--state", Path.Combine(directory, "state"),
            "--cni-config-dir", network.ConfigDirectory, "--cni-plugin-dir", network.PluginDirectory, "--log-level", "info",
        ], Path.Combine(directory, "minato.log"));
        var runtime = new BenchRuntime("minato", socket, process);
        try
        {
            await EndpointProbe.WaitAsync(runtime, process, TimeSpan.FromSeconds(30), cancellationToken);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }
}
