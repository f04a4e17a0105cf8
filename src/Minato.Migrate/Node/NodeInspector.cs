namespace Minato.Migrate.Node;

/// <summary>What the node should end up using: Minato's CRI endpoint and cgroup driver.</summary>
public sealed record MinatoTarget(string Endpoint, string CgroupDriver);

/// <summary>One thing found on the node, with what to do about it.</summary>
public sealed record NodeFinding(Severity Severity, string Evidence, string Advice);

/// <summary>
/// The node side of the move, read-only: Docker's state, the kubelet's runtime settings and where each comes
/// from, what uses the Docker socket, the file edits that switch the kubelet to Minato and the steps around them.
/// </summary>
public sealed record NodeCheck(
    string NodeName,
    DockerState Docker,
    string Runtime,
    string? Endpoint,
    string KubeletCgroupDriver,
    IReadOnlyList<NodeFinding> Findings,
    IReadOnlyList<FileChange> Changes,
    IReadOnlyList<string> Steps,
    IReadOnlyList<DockerContainer> PodsStillRunning)
{
    public Verdict Verdict => Findings.Select(f => f.Severity).DefaultIfEmpty(Severity.Info).Max() switch
    {
        Severity.Blocker => Verdict.Blocked,
        Severity.Action => Verdict.NeedsChanges,
        _ => Verdict.Ready,
    };

    /// <summary>True when no pod other than DaemonSet and static pods still runs in Docker.</summary>
    public bool IsDrained => PodsStillRunning.Count == 0;
}

/// <summary>Builds a <see cref="NodeCheck"/> from a node's files (under a root directory).</summary>
public static class NodeInspector
{
    public const string KubeadmFlags = "/var/lib/kubelet/kubeadm-flags.env";
    public const string DefaultKubeletConfig = "/var/lib/kubelet/config.yaml";

    /// <summary>Flags of the dockershim era that a kubelet on a CRI endpoint ignores, and 1.24 and later refuse.</summary>
    private static readonly string[] DockershimFlags =
    [
        "docker-endpoint", "image-pull-progress-deadline", "network-plugin", "network-plugin-mtu", "cni-bin-dir",
        "cni-conf-dir", "cni-cache-dir", "experimental-dockershim-root-directory",
    ];

    public static NodeCheck Check(NodeFiles files, MinatoTarget target, string? nodeName = null)
    {
        var docker = DockerState.Read(files);
        // Later files win, as in kubeadm's drop-in: $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS.
        var flagFiles = new[]
        {
            KubeletFlagFile.Read(files, KubeadmFlags, "KUBELET_KUBEADM_ARGS"),
            KubeletFlagFile.Read(files, "/etc/default/kubelet", "KUBELET_EXTRA_ARGS"),
            KubeletFlagFile.Read(files, "/etc/sysconfig/kubelet", "KUBELET_EXTRA_ARGS"),
        };
        var kubelet = docker.Processes.FirstOrDefault(p => p.Name == "kubelet");
        (string Value, string Source)? Flag(string name)
        {
            if (kubelet is not null && FlagOf(kubelet.CommandLine, name) is { } running)
            {
                return (running, $"the running kubelet's command line (pid {kubelet.Pid})");
            }

            return flagFiles.LastOrDefault(f => f.Get(name) is not null) is { } file ? (file.Get(name)!, $"{file.Path}:{file.Line}") : null;
        }

        var configPath = Flag("config")?.Value ?? DefaultKubeletConfig;
        var config = KubeletConfigFile.Read(files, configPath);
        var runtimeFlag = Flag("container-runtime");
        var endpoint = Flag("container-runtime-endpoint")
            ?? (config.Get("containerRuntimeEndpoint") is { } fromConfig ? (fromConfig.Value, $"{configPath}:{fromConfig.Line}") : null);
        var found = kubelet is not null || config.Original is not null || flagFiles.Any(f => f.Original is not null);
        var findings = new List<NodeFinding>();
        var runtime = Runtime(runtimeFlag, endpoint, target, found, docker, findings);

        var cgroup = Flag("cgroup-driver") ?? (config.Get("cgroupDriver") is { } driver ? (driver.Value, $"{configPath}:{driver.Line}") : ("cgroupfs", "the kubelet's default"));
        if (found && cgroup.Item1 != target.CgroupDriver)
        {
            findings.Add(new NodeFinding(
                Severity.Blocker,
                $"the kubelet's cgroup driver is {cgroup.Item1} ({cgroup.Item2}) and Minato's is {target.CgroupDriver}",
                $"The kubelet and the runtime must use the same cgroup driver, or pods fail to start. Set cgroup_driver = " +
                $"\"{cgroup.Item1}\" in minato.toml (on a node managed by systemd, systemd is the right choice for both)."));
        }

        ReportSocketUsers(docker, findings);
        ReportDocker(docker, runtime, findings);
        var changes = runtime is "Minato" || !found ? [] : Changes(files, flagFiles, config, target);
        var name = nodeName ?? (files.ReadText("/etc/hostname")?.Trim() is { Length: > 0 } hostname ? hostname : "NODE");
        var stillRunning = docker.Containers.Where(c => c is { IsSandbox: true, Running: true, IsDaemonSetPod: false, IsStaticPod: false }).ToList();
        return new NodeCheck(
            name, docker, runtime, endpoint?.Value, cgroup.Item1, findings, changes, Steps(name, target, changes, docker), stillRunning);
    }

    private static string Runtime(
        (string Value, string Source)? runtimeFlag, (string Value, string Source)? endpoint, MinatoTarget target, bool found,
        DockerState docker, List<NodeFinding> findings)
    {
        const string MoveAdvice = "Follow the plan below: drain the node, stop the kubelet, point it at Minato's endpoint, start Minato and the kubelet, uncordon.";
        if (!found)
        {
            findings.Add(new NodeFinding(
                Severity.Action,
                $"no kubelet found: no running kubelet, no {KubeadmFlags}, /etc/default/kubelet, /etc/sysconfig/kubelet or {DefaultKubeletConfig}",
                "Run this on the node (or give --root the node's root). If the kubelet's flags live in its systemd unit, edit them there by hand."));
            return "unknown";
        }

        if (runtimeFlag is { Value: "docker" } || (runtimeFlag is null && endpoint is null)
            || endpoint?.Value.Contains("dockershim.sock", StringComparison.Ordinal) == true)
        {
            var why = runtimeFlag is { Value: "docker" } flag ? $"--container-runtime=docker ({flag.Source})"
                : endpoint is { } e ? $"--container-runtime-endpoint={e.Value} ({e.Source})"
                : "no --container-runtime-endpoint anywhere (a kubelet before 1.24 then uses dockershim)";
            findings.Add(new NodeFinding(Severity.Blocker, $"the kubelet runs Docker through dockershim: {why}", MoveAdvice));
            return "dockershim";
        }

        var (value, source) = endpoint!.Value;
        if (value == target.Endpoint)
        {
            findings.Add(new NodeFinding(Severity.Info, $"the kubelet already uses Minato at {value} ({source})", "Nothing to move on this node."));
            return "Minato";
        }

        if (value.Contains("cri-dockerd", StringComparison.Ordinal))
        {
            findings.Add(new NodeFinding(Severity.Action, $"the kubelet reaches Docker through cri-dockerd at {value} ({source})", MoveAdvice));
            return "cri-dockerd";
        }

        findings.Add(new NodeFinding(
            Severity.Info, $"the kubelet uses the CRI runtime at {value} ({source})",
            "This node is already off Docker; moving it to Minato is the same endpoint change."));
        return docker.IsRunning ? $"{value} (Docker also running)" : value;
    }

    private static void ReportSocketUsers(DockerState docker, List<NodeFinding> findings)
    {
        const string Advice =
            "This stops working when Docker goes: nothing answers on /var/run/docker.sock on a Minato node. Find what it " +
            "asks Docker for (minato migrate on the cluster's manifests explains the replacements), or keep dockerd running " +
            "beside Minato for it as a stop-gap (Minato does not need Docker, and the two do not share containers or images).";
        foreach (var (process, how) in docker.SocketUsers)
        {
            findings.Add(new NodeFinding(Severity.Blocker, $"process {process.Pid} ({process.Name}) {how}", Advice));
        }

        foreach (var container in docker.Containers.Where(c => c.Running && c.MountSources.Any(s => DockerState.Sockets.Contains(HostPathUse.Normalize(s)))))
        {
            var pod = container.PodName is null ? "" : $" (pod {container.PodNamespace}/{container.PodName})";
            findings.Add(new NodeFinding(Severity.Blocker, $"container {container.Name}{pod} mounts the Docker socket", Advice));
        }
    }

    private static void ReportDocker(DockerState docker, string runtime, List<NodeFinding> findings)
    {
        if (docker.IsInstalled || docker.IsRunning)
        {
            var state = docker.Daemon is { } daemon ? $"running (pid {daemon.Pid})" : "installed, not running";
            findings.Add(new NodeFinding(
                Severity.Info,
                $"Docker is {state}{(docker.Binary is { } binary ? $", {binary}" : "")}; {docker.Containers.Count(c => c.Running):N0} containers running",
                "After the move the kubelet no longer needs Docker. Stop and disable it once nothing uses its socket; uninstalling it is optional."));
        }

        if (docker.ImageCount > 0)
        {
            var names = docker.ImageNames.Count <= 5 ? string.Join(", ", docker.ImageNames) : $"{string.Join(", ", docker.ImageNames.Take(5))}, …";
            findings.Add(new NodeFinding(
                Severity.Info,
                $"Docker holds {docker.ImageCount:N0} images ({names})",
                runtime == "Minato" ? "Minato keeps its own image store." : "Minato keeps its own store: pods pull their images again on first start after the move."));
        }
    }

    /// <summary>
    /// The edits: the endpoint where it is set now (every flag file that sets it, else the config file, else a
    /// new flag in kubeadm-flags.env or /etc/default/kubelet); --container-runtime=docker becomes remote; the
    /// dockershim-only flags go.
    /// </summary>
    private static List<FileChange> Changes(NodeFiles files, KubeletFlagFile[] flagFiles, KubeletConfigFile config, MinatoTarget target)
    {
        var existing = flagFiles.Where(f => f.Original is not null).ToList();
        foreach (var file in existing)
        {
            if (file.Get("container-runtime") == "docker")
            {
                file.Set("container-runtime", "remote");
            }

            foreach (var flag in DockershimFlags.Where(f => file.Get(f) is not null))
            {
                file.Remove(flag);
            }
        }

        var withEndpoint = existing.Where(f => f.Get("container-runtime-endpoint") is not null).ToList();
        foreach (var file in withEndpoint)
        {
            file.Set("container-runtime-endpoint", target.Endpoint);
        }

        if (withEndpoint.Count == 0)
        {
            if (config.Get("containerRuntimeEndpoint") is not null)
            {
                config.Set("containerRuntimeEndpoint", target.Endpoint);
            }
            else
            {
                (existing.FirstOrDefault() ?? flagFiles[1]).Set("container-runtime-endpoint", target.Endpoint);
            }
        }

        var changes = new List<FileChange>();
        foreach (var file in flagFiles)
        {
            if (file.Text is { } text && text != file.Original)
            {
                changes.Add(new FileChange(file.Path, file.Original, text));
            }
        }

        if (config.Text is { } configText && configText != config.Original)
        {
            changes.Add(new FileChange(config.Path, config.Original, configText));
        }

        return changes;
    }

    private static List<string> Steps(string node, MinatoTarget target, List<FileChange> changes, DockerState docker)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        var steps = new List<string>
        {
            $"kubectl drain {node} --ignore-daemonsets --delete-emptydir-data   (from a machine with cluster access)",
            "systemctl stop kubelet",
            $"edit {string.Join(", ", changes.Select(c => c.Path))} as shown below (minato migrate node --apply does it, with backups)",
            $"start Minato serving {target.Endpoint} with cgroup_driver = \"{target.CgroupDriver}\": systemctl enable --now minato (or minato daemon)",
            "systemctl start kubelet, then check: kubectl get node " + node + " -o wide shows minato:// as CONTAINER-RUNTIME",
            $"kubectl uncordon {node}",
        };
        if (docker.IsInstalled)
        {
            steps.Add("once nothing uses /var/run/docker.sock: systemctl disable --now docker docker.socket");
        }

        return steps;
    }

    /// <summary>A flag's value on a command line (last one wins), in --name=value or --name value form.</summary>
    private static string? FlagOf(IReadOnlyList<string> commandLine, string name)
    {
        string? value = null;
        for (var i = 0; i < commandLine.Count; i++)
        {
            if (commandLine[i].StartsWith($"--{name}=", StringComparison.Ordinal))
            {
                value = commandLine[i][(name.Length + 3)..];
            }
            else if (commandLine[i] == $"--{name}" && i + 1 < commandLine.Count)
            {
                value = commandLine[i + 1];
            }
        }

        return value;
    }
}
