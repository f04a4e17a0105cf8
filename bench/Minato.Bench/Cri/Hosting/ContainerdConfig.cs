namespace Minato.Bench.Cri.Hosting;

/// <summary>The config.toml (version 2, containerd 1.6) for the bench's own containerd: every path under its own directory,
/// the CRI plugin on with the bench's CNI network, runc, the sandbox image from the local registry, and that registry
/// reached over plain HTTP.</summary>
internal sealed record ContainerdConfig(string Directory, BenchNetwork Network, string SandboxImage, string RegistryHost)
{
    public string Root => Path.Combine(Directory, "root");

    public string State => Path.Combine(Directory, "state");

    public string Socket => Path.Combine(Directory, "containerd.sock");

    public string ConfigFile => Path.Combine(Directory, "config.toml");

    public string Render() => $$"""
        version = 2
        root = "{{Root}}"
        state = "{{State}}"
        # Plugins that look for kernel features or tools this machine lacks only log noise.
        disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

        [grpc]
          address = "{{Socket}}"

        [ttrpc]
          address = "{{Socket}}.ttrpc"

        [debug]
          level = "info"

        [metrics]
          address = ""

        [plugins]
          [plugins."io.containerd.internal.v1.opt"]
            path = "{{Path.Combine(Directory, "opt")}}"

          [plugins."io.containerd.grpc.v1.cri"]
            sandbox_image = "{{SandboxImage}}"
            stream_server_address = "127.0.0.1"
            stream_server_port = "0"
            enable_selinux = false
            # Network namespaces under the state dir, not /var/run/netns, so nothing of this instance is left elsewhere.
            netns_mounts_under_state_dir = true
            # The sandbox image's spec asks for oom_score_adj -998; where the host forbids lowering it (a VM sandbox, a
            # container) runc fails with "can't get final child's PID". This clamps it to containerd's own value instead.
            restrict_oom_score_adj = true

            [plugins."io.containerd.grpc.v1.cri".cni]
              bin_dir = "{{Network.PluginDirectory}}"
              conf_dir = "{{Network.ConfigDirectory}}"
              max_conf_num = 1

            [plugins."io.containerd.grpc.v1.cri".containerd]
              snapshotter = "overlayfs"
              default_runtime_name = "runc"

              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                runtime_type = "io.containerd.runc.v2"

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                  BinaryName = "/usr/sbin/runc"
                  SystemdCgroup = false

            # 1.6 still reads the mirrors table; an http:// endpoint is how it talks plain HTTP to the local registry.
            [plugins."io.containerd.grpc.v1.cri".registry]
              [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
                [plugins."io.containerd.grpc.v1.cri".registry.mirrors."{{RegistryHost}}"]
                  endpoint = ["http://{{RegistryHost}}"]
        """;
}
