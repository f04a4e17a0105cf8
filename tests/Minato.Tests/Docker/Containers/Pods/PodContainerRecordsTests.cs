using Minato.Docker.Containers.Pods;
using Minato.Engine.Containers;

namespace Minato.Tests.Docker.Containers.Pods;

public sealed class PodContainerRecordsTests
{
    private static readonly PodIdentity Pod = new("web-7d4", "shop", "0b9e-uid", 1);

    [Fact]
    public void Container_PodContainer_DockershimNameAndLabels()
    {
        var facts = new PodContainerFacts(
            "c0ffee", "nginx", 2, Pod, "5a1dbox", "nginx:1.27",
            new Dictionary<string, string> { ["app"] = "web" },
            new Dictionary<string, string> { ["io.kubernetes.container.restartCount"] = "2" },
            ["nginx", "-g", "daemon off;"], "/run/pod");

        var container = PodContainerRecords.Container(facts, State("c0ffee", "/var/log/pods/x/nginx/2.log"));

        Assert.Equal("/k8s_nginx_web-7d4_shop_0b9e-uid_2", container.Name);
        Assert.Equal("web", container.Config.Labels!["app"]);
        Assert.Equal("nginx", container.Config.Labels["io.kubernetes.container.name"]);
        Assert.Equal("web-7d4", container.Config.Labels["io.kubernetes.pod.name"]);
        Assert.Equal("shop", container.Config.Labels["io.kubernetes.pod.namespace"]);
        Assert.Equal("0b9e-uid", container.Config.Labels["io.kubernetes.pod.uid"]);
        Assert.Equal("container", container.Config.Labels["io.kubernetes.docker.type"]);
        Assert.Equal("5a1dbox", container.Config.Labels["io.kubernetes.sandbox.id"]);
        Assert.Equal("2", container.Config.Labels["annotation.io.kubernetes.container.restartCount"]);
        Assert.Equal("container:5a1dbox", container.HostConfig.NetworkMode);
        Assert.Equal("nginx", container.Path);
        Assert.Equal(["-g", "daemon off;"], container.Args);
    }

    [Fact]
    public void Sandbox_ReadyPod_PodNameRunningWithItsInit()
    {
        var facts = new PodSandboxFacts("5a1dbox", Pod, Ready: true, 1_700_000_000_000_000_000, 4242,
            new Dictionary<string, string>(), new Dictionary<string, string>(), "/run/pod");

        var sandbox = PodContainerRecords.Sandbox(facts);
        var state = PodContainerRecords.SandboxState(facts);

        Assert.Equal("/k8s_POD_web-7d4_shop_0b9e-uid_1", sandbox.Name);
        Assert.Equal("podsandbox", sandbox.Config.Labels!["io.kubernetes.docker.type"]);
        Assert.Equal("POD", sandbox.Config.Labels["io.kubernetes.container.name"]);
        Assert.Equal(ContainerPhase.Running, state.Phase);
        Assert.Equal(4242, state.Pid);
    }

    private static ContainerRecord State(string id, string logPath) => new()
    {
        Id = id,
        Owner = "cri",
        ImageId = "sha256:abc",
        RuntimeHandler = "runc",
        Phase = ContainerPhase.Running,
        CreatedAt = 1,
        BundleDirectory = "/b",
        LayerDirectory = "/l",
        LogPath = logPath,
    };
}
