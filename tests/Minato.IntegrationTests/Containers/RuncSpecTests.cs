using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Oci.Spec;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary>Specs from <see cref="ContainerSpecBuilder"/> run by a real runc (no conmon, no pod: host network and IPC)
/// on the busybox test image, checking what the kernel reports from inside the container.</summary>
public sealed class RuncSpecTests : IAsyncLifetime, IDisposable
{
    private const string Script = "id; cat /proc/self/status; unshare -U true; echo userns=$?; unshare -n true; echo netns=$?";

    private static readonly string CgroupParent = $"/minato-spec-test-{Environment.ProcessId}";

    private readonly string _dir = Directory.CreateTempSubdirectory("minato-spec-").FullName;

    private string Rootfs => Path.Combine(_dir, "rootfs");

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        var layer = image.Manifest().Layers.Single();
        Directory.CreateDirectory(Rootfs);
        await using var blob = File.OpenRead(image.BlobPath(layer.Digest));
        await using var tar = new GZipStream(blob, CompressionMode.Decompress);
        await new LayerUnpacker(new UnpackLimits { MaxBytes = 64L << 20 }).UnpackAsync(tar, Rootfs, CancellationToken.None);
        foreach (var file in new[] { "hostname", "hosts", "resolv.conf" })
        {
            File.WriteAllText(Path.Combine(_dir, file), file == "hostname" ? "spec-test\n" : string.Empty);
        }
    }

    public Task DisposeAsync()
    {
        // runc removes each container's cgroup when it exits; the parent it created stays behind in every hierarchy.
        string[] hierarchies = ["/sys/fs/cgroup", .. Directory.EnumerateDirectories("/sys/fs/cgroup")];
        foreach (var parent in hierarchies.Select(h => Path.Combine(h, CgroupParent[1..])).Where(Directory.Exists))
        {
            Directory.Delete(parent);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RuncRun_RuntimeDefaultAsApp_IdsCapsNoNewPrivsSeccompAndNoNamespaces()
    {
        var security = new ContainerSecurity
        {
            RunAsUser = BusyboxRootfs.AppUid,
            SupplementalGroups = [5000],
            NoNewPrivs = true,
            Seccomp = SecurityProfile.RuntimeDefault,
            Capabilities = new CapabilityChanges([], ["KILL"]),
        };

        var result = await RunAsync("app", security);

        Assert.Contains("uid=1000(app) gid=1000(app) groups=10(wheel),29(audio),100(users),1000(app),5000", result.Stdout, StringComparison.Ordinal);
        var status = Status(result.Stdout);
        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal("10 29 100 1000 5000", status["Groups"]);
        Assert.Equal(0UL, Mask(status["CapInh"]));
        Assert.Equal(0UL, Mask(status["CapAmb"]));
        Assert.Equal(Bits(ContainerCapabilities.Default.Where(c => c != "CAP_KILL")), Mask(status["CapBnd"]));
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal("2", status["Seccomp"]);
        Assert.Contains("userns=1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("netns=1", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuncRun_RootWithDefaultCaps_UnshareStillBlockedBySeccomp()
    {
        var result = await RunAsync("root", new ContainerSecurity { Seccomp = SecurityProfile.RuntimeDefault });

        Assert.Contains("uid=0(root) gid=0(root) groups=0(root),10(wheel)", result.Stdout, StringComparison.Ordinal);
        var status = Status(result.Stdout);
        Assert.Equal(Bits(ContainerCapabilities.Default), Mask(status["CapEff"]));
        Assert.Equal("2", status["Seccomp"]);
        Assert.Contains("userns=1", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuncRun_Unconfined_NoFilterAndUserNamespaceAllowed()
    {
        // The control for the tests above: the same unshare succeeds without the profile, so seccomp is what blocks it.
        var result = await RunAsync("free", new ContainerSecurity { RunAsUser = BusyboxRootfs.AppUid, Seccomp = SecurityProfile.Unconfined });

        Assert.Equal("0", Status(result.Stdout)["Seccomp"]);
        Assert.Contains("userns=0", result.Stdout, StringComparison.Ordinal);
    }

    private async Task<CommandResult> RunAsync(string name, ContainerSecurity security)
    {
        var id = $"minato-spec-{name}-{Environment.ProcessId}";
        var options = new ContainerSpecOptions { DefaultCgroupParent = CgroupParent }.WithHostFacts();
        var builder = new ContainerSpecBuilder(options, new HostDevices(), NullLogger<ContainerSpecBuilder>.Instance);
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata(name, 0),
            Image = new ContainerImageSpec("busybox"),
            Command = ["/bin/sh", "-c", Script],
            Security = security,
        };
        var built = builder.Build(new ContainerSpecRequest(id, config, Sandbox(), ImageRuntimeConfig.Empty, Rootfs));
        var bundle = Path.Combine(_dir, "bundle-" + name);
        Directory.CreateDirectory(bundle);
        File.WriteAllBytes(Path.Combine(bundle, "config.json"), built.ToJson());
        RootfsDirectories.Create(Rootfs, built.RootfsDirectories);

        var result = await CommandResult.RunAsync("runc", ["--root", Path.Combine(_dir, "runc"), "run", "--bundle", bundle, id], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>No pod: host network and IPC (nothing pinned), a private pid namespace per container.</summary>
    private PodSandbox Sandbox() => new()
    {
        Id = "no-pod",
        Config = new SandboxConfig
        {
            Metadata = new SandboxMetadata("spec", "spec-uid", "default", 0),
            Namespaces = new SandboxNamespaces(NamespaceMode.Node, NamespaceMode.Container, NamespaceMode.Node),
        },
        RuntimeHandler = "runc",
        Phase = SandboxPhase.Ready,
        CreatedAt = 0,
        Directory = _dir,
    };

    private static Dictionary<string, string> Status(string stdout) =>
        stdout.Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1].Trim());

    private static ulong Mask(string hex) => ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static ulong Bits(IEnumerable<string> capabilities) =>
        capabilities.Aggregate(0UL, (mask, c) => mask | (1UL << Capabilities.All.ToList().IndexOf(c)));
}
