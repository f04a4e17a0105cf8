using Minato.Migrate;
using Minato.Migrate.Node;

namespace Minato.Tests.Migrate;

/// <summary><c>minato migrate node</c> on fixture nodes: files the tests write under a temporary root.</summary>
public sealed class NodeInspectorTests : IDisposable
{
    private static readonly MinatoTarget Minato = new("unix:///run/minato/minato.sock", "cgroupfs");

    private readonly FakeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public void Check_DockershimNode_BlocksAndPlansTheFlagEdit()
    {
        _node.Write(NodeInspector.KubeadmFlags,
            "KUBELET_KUBEADM_ARGS=\"--container-runtime=docker --network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.6\"\n");
        _node.Write("/var/lib/kubelet/config.yaml", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\n");
        _node.DockerRunning(pid: 812);

        var check = Check();

        Assert.Equal("dockershim", check.Runtime);
        Assert.Equal(Verdict.Blocked, check.Verdict);
        Assert.Contains(check.Findings, f => f.Severity == Severity.Blocker && f.Evidence.Contains("--container-runtime=docker (/var/lib/kubelet/kubeadm-flags.env:1)", StringComparison.Ordinal));
        Assert.Contains(check.Findings, f => f.Severity == Severity.Info && f.Evidence.Contains("Docker is running (pid 812)", StringComparison.Ordinal));
        var change = Assert.Single(check.Changes);
        Assert.Equal(
            "KUBELET_KUBEADM_ARGS=\"--container-runtime=remote --pod-infra-container-image=k8s.gcr.io/pause:3.6 " +
            "--container-runtime-endpoint=unix:///run/minato/minato.sock\"\n",
            change.After);
        var diff = change.Diff();
        Assert.Contains("--- /var/lib/kubelet/kubeadm-flags.env\n+++ /var/lib/kubelet/kubeadm-flags.env\n@@ -1,1 +1,1 @@\n-KUBELET_KUBEADM_ARGS=\"--container-runtime=docker", diff, StringComparison.Ordinal);
        Assert.Contains("\n+KUBELET_KUBEADM_ARGS=\"--container-runtime=remote", diff, StringComparison.Ordinal);
        Assert.Equal("kubectl drain node-7 --ignore-daemonsets --delete-emptydir-data   (from a machine with cluster access)", check.Steps[0]);
        Assert.Contains(check.Steps, s => s.StartsWith("kubectl uncordon node-7", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_EndpointInKubeletConfig_EditsThatLineAndKeepsTheRest()
    {
        _node.Write("/var/lib/kubelet/config.yaml",
            "# managed by kubeadm\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\ncgroupDriver: cgroupfs\n");

        var check = Check();

        Assert.Contains(check.Findings, f => f.Severity == Severity.Info && f.Evidence.Contains("unix:///run/containerd/containerd.sock (/var/lib/kubelet/config.yaml:3)", StringComparison.Ordinal));
        var change = Assert.Single(check.Changes);
        Assert.Equal(
            "# managed by kubeadm\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/minato/minato.sock\ncgroupDriver: cgroupfs\n",
            change.After);
        Assert.Contains("-containerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n+containerRuntimeEndpoint: unix:///run/minato/minato.sock\n", change.Diff(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CriDockerdInEtcDefaultKubelet_IsActionAndEditsThatFile()
    {
        _node.Write("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--container-runtime-endpoint=unix:///run/cri-dockerd.sock --node-ip=10.0.0.7\n");

        var check = Check();

        Assert.Equal("cri-dockerd", check.Runtime);
        Assert.Equal(Verdict.NeedsChanges, check.Verdict);
        Assert.Equal("KUBELET_EXTRA_ARGS=--container-runtime-endpoint=unix:///run/minato/minato.sock --node-ip=10.0.0.7\n", Assert.Single(check.Changes).After);
    }

    [Fact]
    public void Check_RunningKubeletFlags_WinOverFilesAndNameTheSource()
    {
        _node.Write("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--container-runtime-endpoint=unix:///run/cri-dockerd.sock\n");
        _node.Process(900, "kubelet", "/usr/bin/kubelet", "--container-runtime-endpoint", "unix:///run/containerd/containerd.sock", "--cgroup-driver=systemd");

        var check = Check();

        Assert.Equal("unix:///run/containerd/containerd.sock", check.Endpoint);
        Assert.Contains(check.Findings, f => f.Severity == Severity.Blocker
            && f.Evidence == "the kubelet's cgroup driver is systemd (the running kubelet's command line (pid 900)) and Minato's is cgroupfs");
    }

    [Fact]
    public void Check_CgroupDriverInConfigDiffers_IsBlockerNamingTheLine()
    {
        _node.Write("/var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\ncgroupDriver: \"systemd\"\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n");

        var check = Check();

        Assert.Equal("systemd", check.KubeletCgroupDriver);
        Assert.Contains(check.Findings, f => f.Severity == Severity.Blocker && f.Evidence.Contains("systemd (/var/lib/kubelet/config.yaml:2)", StringComparison.Ordinal)
            && f.Advice.Contains("cgroup_driver = \"systemd\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_DockerSocketUsers_ReportsProcessesAndContainersAsBlockers()
    {
        _node.Write(NodeInspector.KubeadmFlags, "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/cri-dockerd.sock\"\n");
        _node.DockerRunning(pid: 812);
        _node.Write("/proc/net/unix",
            "Num       RefCount Protocol Flags    Type St Inode Path\n" +
            "0000000000000000: 00000002 00000000 00010000 0001 01 31337 /run/containerd/containerd.sock\n" +
            "0000000000000000: 00000003 00000000 00000000 0001 03 4242 /var/run/docker.sock\n");
        _node.Process(500, "node-exporter", "/bin/node_exporter");
        _node.Link("/proc/500/fd/3", "socket:[4242]");
        _node.Link("/proc/812/fd/5", "socket:[4242]");
        _node.Process(600, "ci-agent", "/usr/bin/agent", "--docker=unix:///var/run/docker.sock");
        _node.Process(700, "bash", "/bin/bash");
        _node.Container("c1", "k8s_agent_builder-x_ci_1", running: true, sandbox: false, mounts: ["/var/run/docker.sock"], podNamespace: "ci", podName: "builder-x");
        _node.Container("c2", "k8s_web_web-y_shop_1", running: true, sandbox: false, mounts: ["/var/log"], podNamespace: "shop", podName: "web-y");

        var check = Check();

        var blockers = check.Findings.Where(f => f.Severity == Severity.Blocker).Select(f => f.Evidence).ToList();
        Assert.Equal(
            [
                "process 500 (node-exporter) holds socket:[4242] of the socket open",
                "process 600 (ci-agent) names the socket on its command line",
                "container k8s_agent_builder-x_ci_1 (pod ci/builder-x) mounts the Docker socket",
            ],
            blockers);
    }

    [Fact]
    public void Check_DockerImages_AreCountedAndNamed()
    {
        _node.Write("/var/lib/kubelet/config.yaml", "containerRuntimeEndpoint: unix:///run/cri-dockerd.sock\n");
        _node.Write("/var/lib/docker/image/overlay2/repositories.json", """
            {"Repositories":{"nginx":{"nginx:1.25":"sha256:aaa","nginx@sha256:111":"sha256:aaa"},
             "registry.k8s.io/pause":{"registry.k8s.io/pause:3.9":"sha256:bbb"}}}
            """);

        var check = Check();

        Assert.Equal(2, check.Docker.ImageCount);
        Assert.Contains(check.Findings, f => f.Evidence == "Docker holds 2 images (nginx:1.25, registry.k8s.io/pause:3.9)");
    }

    [Fact]
    public void Check_AlreadyOnMinato_IsReadyWithNothingToChange()
    {
        _node.Write("/var/lib/kubelet/config.yaml", "containerRuntimeEndpoint: unix:///run/minato/minato.sock\n");

        var check = Check();

        Assert.Equal("Minato", check.Runtime);
        Assert.Equal(Verdict.Ready, check.Verdict);
        Assert.Empty(check.Changes);
        Assert.Empty(check.Steps);
    }

    [Fact]
    public void Check_NoKubeletAnywhere_IsActionWithoutPlan()
    {
        var check = Check();

        Assert.Equal("unknown", check.Runtime);
        Assert.Contains(check.Findings, f => f.Severity == Severity.Action && f.Evidence.StartsWith("no kubelet found", StringComparison.Ordinal));
        Assert.Empty(check.Changes);
    }

    [Fact]
    public void Apply_NodeStillRunningPods_RefusesAndChangesNothing()
    {
        const string Flags = "KUBELET_KUBEADM_ARGS=\"--container-runtime=docker\"\n";
        _node.Write(NodeInspector.KubeadmFlags, Flags);
        _node.Container("s1", "k8s_POD_web-1_shop_0", running: true, sandbox: true, mounts: [], podNamespace: "shop", podName: "web-1");
        _node.Container("s2", "k8s_POD_fluent-bit-x_logging_0", running: true, sandbox: true, mounts: [], podNamespace: "logging", podName: "fluent-bit-x", daemonSet: true);
        var check = Check();

        var ex = Assert.Throws<NodeNotDrainedException>(() => NodeChanges.Apply(_node.Files, check, TimeProvider.System));

        Assert.Equal("shop/web-1", $"{Assert.Single(ex.Pods).PodNamespace}/{ex.Pods[0].PodName}");
        Assert.Equal(Flags, File.ReadAllText(_node.Path(NodeInspector.KubeadmFlags)));
        Assert.False(File.Exists(_node.Path(NodeInspector.KubeadmFlags) + ".minato-backup"));
    }

    [Fact]
    public void Apply_DrainedNode_BacksUpThenWritesEveryEdit()
    {
        const string Flags = "# kubeadm\nKUBELET_KUBEADM_ARGS=\"--container-runtime=docker --network-plugin=cni\"\n";
        _node.Write(NodeInspector.KubeadmFlags, Flags);
        File.SetUnixFileMode(_node.Path(NodeInspector.KubeadmFlags), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _node.Container("s2", "k8s_POD_fluent-bit-x_logging_0", running: true, sandbox: true, mounts: [], podNamespace: "logging", podName: "fluent-bit-x", daemonSet: true);
        var check = Check();

        var backups = NodeChanges.Apply(_node.Files, check, TimeProvider.System);

        var path = _node.Path(NodeInspector.KubeadmFlags);
        Assert.Equal([path + ".minato-backup"], backups);
        Assert.Equal(Flags, File.ReadAllText(backups[0]));
        Assert.Equal(
            "# kubeadm\nKUBELET_KUBEADM_ARGS=\"--container-runtime=remote --container-runtime-endpoint=unix:///run/minato/minato.sock\"\n",
            File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("Minato", Check().Runtime);
    }

    [Fact]
    public void Apply_FileChangedSinceTheCheck_RefusesAndChangesNothing()
    {
        _node.Write(NodeInspector.KubeadmFlags, "KUBELET_KUBEADM_ARGS=\"--container-runtime=docker\"\n");
        var check = Check();
        _node.Write(NodeInspector.KubeadmFlags, "KUBELET_KUBEADM_ARGS=\"--container-runtime=docker --v=2\"\n");

        Assert.Throws<IOException>(() => NodeChanges.Apply(_node.Files, check, TimeProvider.System));

        Assert.Equal("KUBELET_KUBEADM_ARGS=\"--container-runtime=docker --v=2\"\n", File.ReadAllText(_node.Path(NodeInspector.KubeadmFlags)));
    }

    private NodeCheck Check() => NodeInspector.Check(_node.Files, Minato, "node-7");
}

/// <summary>A node's files under a temporary root: kubelet flags and config, /proc entries, Docker's state.</summary>
internal sealed class FakeNode : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("minato-node-");

    public FakeNode() => Files = new NodeFiles(_root.FullName);

    public NodeFiles Files { get; }

    public string Root => _root.FullName;

    public string Path(string nodePath) => Files.Resolve(nodePath);

    public void Write(string nodePath, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(nodePath))!);
        File.WriteAllText(Path(nodePath), text);
    }

    public void Link(string nodePath, string target)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(nodePath))!);
        File.CreateSymbolicLink(Path(nodePath), target);
    }

    public void Process(int pid, string name, params string[] commandLine)
    {
        Write($"/proc/{pid}/comm", name + "\n");
        Write($"/proc/{pid}/cmdline", string.Join('\0', commandLine) + "\0");
    }

    public void DockerRunning(int pid)
    {
        Write("/usr/bin/dockerd", "");
        Write("/var/run/docker.pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Process(pid, "dockerd", "/usr/bin/dockerd", "-H", "fd://");
    }

    public void Container(
        string id, string name, bool running, bool sandbox, string[] mounts, string podNamespace, string podName, bool daemonSet = false)
    {
        var labels = new Dictionary<string, string>
        {
            ["io.kubernetes.pod.namespace"] = podNamespace,
            ["io.kubernetes.pod.name"] = podName,
            ["io.kubernetes.docker.type"] = sandbox ? "podsandbox" : "container",
        };
        if (daemonSet)
        {
            labels["pod-template-generation"] = "3";
        }

        var config = new Dictionary<string, object>
        {
            ["Name"] = "/" + name,
            ["State"] = new Dictionary<string, object> { ["Running"] = running },
            ["Config"] = new Dictionary<string, object> { ["Labels"] = labels },
            ["MountPoints"] = mounts.ToDictionary(m => m, m => (object)new Dictionary<string, string> { ["Source"] = m, ["Destination"] = m }),
        };
        Write($"/var/lib/docker/containers/{id}/config.v2.json", System.Text.Json.JsonSerializer.Serialize(config));
    }

    public void Dispose() => _root.Delete(recursive: true);
}
