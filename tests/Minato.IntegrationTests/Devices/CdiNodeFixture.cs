using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Devices;

/// <summary>A node whose daemon reads CDI specs from a temp directory the tests write into, and has a runtime handler
/// <c>wrapped</c> whose binary is a script that records each call and execs runc (how a vendor runtime such as
/// nvidia-container-runtime is plugged in).</summary>
public sealed class CdiNodeFixture : IAsyncLifetime
{
    private DirectoryInfo _dir = null!;

    public TestNode Node { get; private set; } = null!;

    /// <summary>The daemon's only CDI spec directory.</summary>
    public string SpecDirectory => Path.Combine(_dir.FullName, "cdi");

    /// <summary>A scratch directory for files the tests and their hooks write on the host.</summary>
    public string Scratch => Path.Combine(_dir.FullName, "scratch");

    /// <summary>Where the <c>wrapped</c> handler's script appends its arguments, one call a line.</summary>
    public string WrapperCalls => Path.Combine(_dir.FullName, "wrapped-calls");

    public PodSandboxConfig Pod { get; private set; } = null!;

    public string PodId { get; private set; } = null!;

    public RuntimeService.RuntimeServiceClient Runtime => Node.Runtime;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("minato-it-cdi-");
        Directory.CreateDirectory(SpecDirectory);
        Directory.CreateDirectory(Scratch);
        var runc = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin").Split(':').Select(d => Path.Combine(d, "runc")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("runc is not installed");
        var wrapper = Path.Combine(_dir.FullName, "wrapped-runtime");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\necho \"$*\" >> '{WrapperCalls}'\nexec '{runc}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0x1ED);
        var config = Path.Combine(_dir.FullName, "minato.toml");
        await File.WriteAllTextAsync(config, $"cdi_spec_dirs = [\"{SpecDirectory}\"]\n\n[runtimes.wrapped]\npath = \"{wrapper}\"\n");
        Node = await TestNode.StartAsync(pullBusybox: true, "--config", config);
        Pod = Node.NewPod();
        PodId = (await Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Pod })).PodSandboxId;
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    /// <summary>Writes a spec file into the daemon's spec directory.</summary>
    public string WriteSpec(string name, string content)
    {
        var path = Path.Combine(SpecDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<string> CreateAsync(ContainerConfig config, string? podId = null, PodSandboxConfig? pod = null)
    {
        config.Image ??= new ImageSpec { Image = Node.Busybox };
        return (await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId ?? PodId, Config = config, SandboxConfig = pod ?? Pod })).ContainerId;
    }

    /// <summary>Creates and starts the container, waits for its exit and returns its status and log (the container is kept).</summary>
    public async Task<(string Id, ContainerRun Run)> RunToExitAsync(ContainerConfig config, string? podId = null, PodSandboxConfig? pod = null)
    {
        var id = await CreateAsync(config, podId, pod);
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
            if (status.State == ContainerState.ContainerExited)
            {
                return (id, new ContainerRun(status, ContainerPodFixture.ParseLog(await File.ReadAllLinesAsync(status.LogPath))));
            }

            Assert.True(DateTime.UtcNow < deadline, $"container {id} still {status.State} after 60s");
            await Task.Delay(50);
        }
    }

    /// <summary>The container directories the engine holds in its state directory.</summary>
    public IReadOnlyList<string> Bundles()
    {
        var containers = Path.Combine(Node.Daemon.State, "containers");
        return Directory.Exists(containers) ? Directory.GetDirectories(containers) : [];
    }
}
