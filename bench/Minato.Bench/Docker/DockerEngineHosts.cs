using System.Diagnostics;
using Minato.Bench.Cri.Hosting;

namespace Minato.Bench.Docker;

/// <summary>Starts each engine on sockets, data and bridges of its own under the bench's temp dir, and undoes what it
/// changed on the host when it stops.</summary>
internal static class DockerEngineHosts
{
    /// <summary>The bridge dockerd gets instead of docker0, so a system Docker (if any) is left alone.</summary>
    public const string DockerdBridge = "mbdocker0";
    public const string DockerdBridgeAddress = "10.235.0.1/24";

    /// <summary>Minato's default network in this run.</summary>
    public const string MinatoBridge = "mbminato0";
    public const string MinatoSubnet = "10.237.0.0/24";

    /// <summary>Podman's default network in this run.</summary>
    public const string PodmanSubnet = "10.236.0.0/24";
    public const string PodmanBridge = "mbpodman0";

    public static Task<DockerEngine> StartAsync(string name, string work, string minatoExecutable, string registryHost, CancellationToken ct) => name switch
    {
        "minato" => StartMinatoAsync(minatoExecutable, Path.Combine(work, "minato"), ct),
        "dockerd" => StartDockerdAsync(Path.Combine(work, "dockerd"), ct),
        "podman" => StartPodmanAsync(Path.Combine(work, "podman"), registryHost, ct),
        _ => throw new ArgumentException($"unknown engine {name}: the Docker bench starts minato, dockerd and podman"),
    };

    private static async Task<DockerEngine> StartMinatoAsync(string executable, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(directory, "cni"));
        var socket = Path.Combine(directory, "docker.sock");

        // A bridge and subnets of the bench's own, so a Minato running on this machine keeps its minato0.
        var config = Path.Combine(directory, "minato.toml");
        File.WriteAllText(config, $"[docker_api]\nbridge_name = \"{MinatoBridge}\"\nbridge_subnet = \"{MinatoSubnet}\"\nnetwork_pool = \"10.238.0.0/16\"\n");
        var process = ChildProcess.Start(executable,
        [
            "daemon", "--config", config, "--listen", "unix://" + Path.Combine(directory, "minato.sock"), "--docker-api", "unix://" + socket,
            "--root", Path.Combine(directory, "root"), "--state", Path.Combine(directory, "state"),
            "--cni-config-dir", Path.Combine(directory, "cni"), "--log-level", "info",
        ], Path.Combine(directory, "minato.log"));
        async Task Cleanup()
        {
            HostCleanup.UnmountUnder(directory);
            await HostCleanup.DeleteLinkAsync(MinatoBridge);
            await Minato.Testing.BridgeRules.DeleteForRootAsync(Path.Combine(directory, "root"));
        }

        return await ReadyAsync(new DockerEngine("minato", socket, ["minato"], [process], Cleanup), process, ct);
    }

    private static async Task<DockerEngine> StartDockerdAsync(string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var socket = Path.Combine(directory, "docker.sock");

        // dockerd sets the FORWARD policy to DROP and adds its chains: both are undone when it stops.
        var policy = await DockerdFirewall.ForwardPolicyAsync(ct);
        await RunAsync("ip", ["link", "add", DockerdBridge, "type", "bridge"], ct);
        await RunAsync("ip", ["addr", "add", DockerdBridgeAddress, "dev", DockerdBridge], ct);
        await RunAsync("ip", ["link", "set", DockerdBridge, "up"], ct);
        var process = ChildProcess.Start("/usr/sbin/dockerd",
        [
            "--data-root", Path.Combine(directory, "root"), "--exec-root", Path.Combine(directory, "exec"),
            "--pidfile", Path.Combine(directory, "dockerd.pid"), "-H", "unix://" + socket, "--bridge", DockerdBridge,
            "--storage-driver", "overlay2", "--log-level", "warn", "--config-file", WriteEmpty(directory, "daemon.json"),
        ], Path.Combine(directory, "dockerd.log"));
        async Task Restore()
        {
            HostCleanup.UnmountUnder(directory);
            await HostCleanup.DeleteLinkAsync(DockerdBridge);
            await DockerdFirewall.RestoreAsync(policy, DockerdBridge);
        }

        return await ReadyAsync(new DockerEngine("dockerd", socket, ["dockerd", "containerd"], [process], Restore), process, ct);
    }

    private static async Task<DockerEngine> StartPodmanAsync(string directory, string registryHost, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(directory, "net"));
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        var socket = Path.Combine(directory, "podman.sock");
        var registries = Path.Combine(directory, "registries.conf");
        File.WriteAllText(registries, $"[[registry]]\nlocation = \"{registryHost}\"\ninsecure = true\n");
        var conf = Path.Combine(directory, "containers.conf");
        File.WriteAllText(conf,
            "[engine]\ncgroup_manager = \"cgroupfs\"\nruntime = \"runc\"\nevents_logger = \"file\"\n" +
            $"[network]\nnetwork_backend = \"cni\"\ncni_plugin_dirs = [\"/usr/lib/cni\"]\ndefault_subnet = \"{PodmanSubnet}\"\n" +
            $"network_config_dir = \"{Path.Combine(directory, "net")}\"\n");
        var process = ChildProcess.Start("/usr/bin/podman",
        [
            "--root", Path.Combine(directory, "root"), "--runroot", Path.Combine(directory, "run"), "--tmpdir", Path.Combine(directory, "tmp"),
            "system", "service", "--time", "0", "unix://" + socket,
        ], Path.Combine(directory, "podman.log"), new Dictionary<string, string>
        {
            ["CONTAINERS_REGISTRIES_CONF"] = registries,
            ["CONTAINERS_CONF"] = conf,
        });
        async Task Cleanup()
        {
            HostCleanup.UnmountUnder(directory);
            await HostCleanup.DeleteLinkAsync("cni-podman0");
        }

        return await ReadyAsync(new DockerEngine("podman", socket, ["podman"], [process], Cleanup), process, ct);
    }

    private static async Task<DockerEngine> ReadyAsync(DockerEngine engine, ChildProcess process, CancellationToken ct)
    {
        try
        {
            await engine.WaitReadyAsync(process, TimeSpan.FromSeconds(60), ct);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    private static string WriteEmpty(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "{}\n");
        return path;
    }

    /// <summary>Runs a host tool to completion (bounded), returning its standard output; a failure is an exception.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct, string? input = null)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        await process.StandardInput.WriteAsync(input ?? string.Empty);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {(await error).Trim()}");
        }

        return await output;
    }
}
