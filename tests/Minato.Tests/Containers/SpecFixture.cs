using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

/// <summary>Host devices for spec tests: a fixed table instead of the real /dev.</summary>
internal sealed class FakeHostDevices : IHostDevices
{
    public static readonly HostDevice Fuse = new("/dev/fuse", "c", 10, 229, 0x1B6, 0, 0);
    public static readonly HostDevice Loop0 = new("/dev/loop0", "b", 7, 0, 0x1B0, 0, 6);

    public HostDevice? Find(string path) => All().FirstOrDefault(d => d.Path == path);

    public IReadOnlyList<HostDevice> All() => [Fuse, Loop0];
}

/// <summary>A temp rootfs with the busybox test image's users, a ready pod and a builder with fixed host facts.</summary>
internal sealed class SpecFixture : IDisposable
{
    /// <summary>The busybox test image's users, so spec tests and image tests agree on them.</summary>
    public const string Passwd = Minato.Testing.BusyboxRootfs.Passwd;

    /// <summary>The busybox test image's groups.</summary>
    public const string Group = Minato.Testing.BusyboxRootfs.Group;

    public const string ContainerId = "c0ffee";

    private readonly TempDirectory _dir = new();

    public SpecFixture()
    {
        Directory.CreateDirectory(Rootfs);
        WriteRootfs("etc/passwd", Passwd);
        WriteRootfs("etc/group", Group);
    }

    public string Rootfs => _dir.Combine("rootfs");

    public TempDirectory Temp => _dir;

    public ContainerSpecOptions Options { get; set; } = new()
    {
        Architecture = Architecture.X64,
        CgroupMode = CgroupMode.Unified,
        HostCapabilities = Capabilities.All,
    };

    public PodSandbox Sandbox { get; set; } = new()
    {
        Id = "pod1",
        Config = new SandboxConfig
        {
            Metadata = new SandboxMetadata("web", "uid-1", "default", 0),
            Hostname = "web",
            CgroupParent = "/kubepods/burstable/poduid-1",
            Namespaces = new SandboxNamespaces(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Pod),
        },
        RuntimeHandler = "runc",
        Phase = SandboxPhase.Ready,
        CreatedAt = 0,
        Directory = "/run/minato/pods/pod1",
        NamespacePaths = new Dictionary<string, string>
        {
            ["net"] = "/run/minato/pods/pod1/ns/net",
            ["ipc"] = "/run/minato/pods/pod1/ns/ipc",
            ["uts"] = "/run/minato/pods/pod1/ns/uts",
        },
        Hostname = "web",
        ShmPath = "/run/minato/pods/pod1/shm",
    };

    public static ContainerConfig Config(ContainerSecurity? security = null) => new()
    {
        Metadata = new ContainerMetadata("app", 0),
        Image = new ContainerImageSpec("sha256:0123", "registry.example/app:1"),
        Security = security ?? new ContainerSecurity(),
    };

    public static ImageRuntimeConfig Image { get; } = new()
    {
        Entrypoint = ["/bin/server"],
        Cmd = ["--port", "8080"],
        Env = ["PATH=/usr/local/bin:/usr/bin:/bin", "MODE=image"],
        WorkingDir = "/srv",
    };

    public void WriteRootfs(string path, string content)
    {
        var full = Path.Combine(Rootfs, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public ContainerSpec Build(ContainerConfig config, ImageRuntimeConfig? image = null, Func<string, string?>? pidNamespaceOf = null) =>
        new ContainerSpecBuilder(Options, new FakeHostDevices(), NullLogger<ContainerSpecBuilder>.Instance)
            .Build(new ContainerSpecRequest(ContainerId, config, Sandbox, image ?? Image, Rootfs, pidNamespaceOf));

    public ResolvedUser User(ContainerSecurity security, string imageUser = "") =>
        UserResolver.Resolve(Rootfs, security, imageUser, Options.MaxUserDatabaseBytes);

    public void Dispose() => _dir.Dispose();
}
