using System.Runtime.CompilerServices;
using System.Text;
using Minato.Cri.Containers;
using Minato.Cri.Pods;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Containers;

/// <summary>Whole specs compared with checked-in JSON; set MINATO_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change.</summary>
public sealed class GoldenSpecTests : IDisposable
{
    private readonly SpecFixture _f = new();

    public void Dispose() => _f.Dispose();

    /// <summary>What a kubelet sends for a restricted-profile Deployment container with a service account and limits.</summary>
    private static ContainerConfig KubeletContainer() => SpecFixture.Config(new ContainerSecurity
    {
        Capabilities = new CapabilityChanges(["NET_BIND_SERVICE"], ["ALL"]),
        RunAsUser = 1000,
        RunAsGroup = 1000,
        SupplementalGroups = [2000],
        NoNewPrivs = true,
        ReadonlyRootfs = true,
        Seccomp = SecurityProfile.RuntimeDefault,
        Namespaces = new ContainerNamespaces(Pid: NamespaceMode.Container),
    }) with
    {
        Envs = [new("KUBERNETES_SERVICE_HOST", "10.96.0.1"), new("KUBERNETES_SERVICE_PORT", "443"), new("MODE", "production")],
        Mounts =
        [
            new("/var/run/secrets/kubernetes.io/serviceaccount", "/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~projected/kube-api-access-x", Readonly: true),
            new("/etc/hosts", "/var/lib/kubelet/pods/uid-1/etc-hosts"),
            new("/dev/termination-log", "/var/lib/kubelet/pods/uid-1/containers/app/0a1b2c3d"),
        ],
        Labels = new Dictionary<string, string> { ["io.kubernetes.container.name"] = "app" },
        Annotations = new Dictionary<string, string> { ["io.kubernetes.container.hash"] = "1234", ["io.minato.container-type"] = "forged" },
        LogDirectory = "/var/log/pods/default_web_uid-1",
        LogPath = "app/0.log",
        Resources = new ContainerResources { CpuShares = 102, CpuQuota = 50000, CpuPeriod = 100000, MemoryLimitInBytes = 128 << 20, OomScoreAdj = 968 },
    };

    [Fact]
    public void Build_TypicalKubeletContainer_MatchesGolden()
    {
        AssertGolden("typical.json", _f.Build(KubeletContainer()));
    }

    [Fact]
    public void Build_PrivilegedContainer_MatchesGolden()
    {
        var config = SpecFixture.Config(new ContainerSecurity { Privileged = true, Seccomp = SecurityProfile.RuntimeDefault }) with
        {
            Command = ["/bin/sh", "-c", "exec sleep infinity"],
            Resources = new ContainerResources { OomScoreAdj = -997 },
        };
        _f.Options = _f.Options with { HostCapabilities = SpecHostFacts.FromMask(0x1fffeffffff), OomScoreAdjFloor = -500 };

        AssertGolden("privileged.json", _f.Build(config));
    }

    [Fact]
    public void Build_Typical_LifecycleOutputs()
    {
        var built = _f.Build(KubeletContainer(), SpecFixture.Image with { Volumes = ["/var/cache/app"], StopSignal = "SIGQUIT" });

        Assert.Equal(["var/cache/app", "srv"], built.RootfsDirectories);
        Assert.Equal("SIGQUIT", built.StopSignal);
        Assert.Equal((1000u, 1000u), (built.User.Uid, built.User.Gid));
        Assert.Equal("/var/log/pods/default_web_uid-1/app/0.log", KubeletContainer().FullLogPath);
    }

    [Fact]
    public void Build_AllowListedAnnotation_Passed()
    {
        _f.Options = _f.Options with { AllowedAnnotations = ["io.kubernetes.cri.rdt-class", "example.com/*"] };
        var config = KubeletContainer() with
        {
            Annotations = new Dictionary<string, string> { ["example.com/a"] = "1", ["io.kubernetes.cri.rdt-class"] = "gold", ["other"] = "x" },
        };

        var annotations = _f.Build(config).Spec.Annotations!;

        Assert.Equal("1", annotations["example.com/a"]);
        Assert.Equal("gold", annotations["io.kubernetes.cri.rdt-class"]);
        Assert.False(annotations.ContainsKey("other"));
        Assert.Equal("container", annotations["io.minato.container-type"]);
    }

    [Fact]
    public void WithoutReserved_ImageLabelsInMinatoPrefix_Dropped()
    {
        var labels = new Dictionary<string, string> { ["io.minato.sandbox-id"] = "forged", ["org.opencontainers.image.title"] = "t" };

        Assert.Equal(["org.opencontainers.image.title"], SpecAnnotations.WithoutReserved(labels).Keys);
    }

    private static void AssertGolden(string name, ContainerSpec built, [CallerFilePath] string source = "")
    {
        // The rootfs is a temp dir; the golden file names it by a fixed placeholder.
        var spec = built.Spec with { Root = built.Spec.Root with { Path = "/run/minato/containers/c0ffee/rootfs" } };
        var json = Encoding.UTF8.GetString(new ContainerSpec(spec, [], [], "", built.User).ToJson()) + "\n";
        var path = Path.Combine(Path.GetDirectoryName(source)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("MINATO_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, json);
        }

        Assert.Equal(File.ReadAllText(path), json);
        Assert.Equal(RuntimeSpec.Version, spec.OciVersion);
    }
}
