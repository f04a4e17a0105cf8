using Minato.Engine.Errors;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Pods;

/// <summary>The creation steps of <see cref="PodSandboxes"/>, each recorded before or right after its side effect.</summary>
public sealed partial class PodSandboxes
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private async Task<PodSandbox> CreateAsync(PodSandbox sandbox, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(sandbox.Directory, "ns"), DirectoryMode);
        var pinned = sandbox.NamespacePaths
            .Where(p => p.Key is not ("pid" or "user"))
            .ToDictionary(p => Kind(p.Key), p => p.Value);
        var hostname = sandbox.Config.Namespaces.PrivateNetwork ? sandbox.Hostname : null;
        if (sandbox.NamespacePaths.TryGetValue("user", out var userPath))
        {
            // Made first and with the others inside it, so it owns them: sysctls and CNI then work in the pod's namespaces.
            var paths = new Dictionary<NamespaceKind, string>(pinned) { [NamespaceKind.User] = userPath };
            await namespaces.PinNewAsync(new NamespaceRequest(paths, hostname) { UserMappings = sandbox.Config.UserNamespace.Mappings }, cancellationToken);
        }
        else if (pinned.Count > 0)
        {
            await namespaces.PinNewAsync(new NamespaceRequest(pinned, hostname), cancellationToken);
        }

        if (sandbox.NamespacePaths.TryGetValue("pid", out var pidPath))
        {
            var init = options.PidInitPath
                ?? throw new PreconditionException("a pod-level pid namespace needs catatonit (Debian package catatonit), which is not installed");
            // In the pod's user namespace too when it has one, so that namespace owns the pid namespace its containers join.
            var join = userPath is null ? pinned : new Dictionary<NamespaceKind, string>(pinned) { [NamespaceKind.User] = userPath };
            var pid = await namespaces.StartPidInitAsync(init, pidPath, join, cancellationToken);
            sandbox = store.Update(sandbox with { InitPid = pid });
        }

        if (sandbox.ShmPath is { } shm)
        {
            mounts.MountTmpfs(shm, PodSandboxOptions.ShmOptions);
        }

        await ApplySysctlsAsync(sandbox, pinned);
        WriteFile(sandbox, "hostname", sandbox.Hostname + "\n");
        WriteFile(sandbox, "resolv.conf", PodFiles.ResolvConf(sandbox.Config.Dns, PodFiles.ReadHostResolvConf()));
        if (sandbox.Config.Namespaces.PrivateNetwork)
        {
            sandbox = await AttachNetworkAsync(sandbox, cancellationToken);
        }

        WriteFile(sandbox, "hosts", PodFiles.Hosts(sandbox.Hostname, sandbox.Network?.Ips ?? []));
        sandbox = store.Update(sandbox with { Phase = SandboxPhase.Ready });
        PodLog.Ready(logger, sandbox.Id, sandbox.Config.Metadata.Key, string.Join(", ", sandbox.Network?.Ips ?? []));
        return sandbox;
    }

    private async Task<PodSandbox> AttachNetworkAsync(PodSandbox sandbox, CancellationToken cancellationToken)
    {
        var probe = cni.Probe();
        var network = probe.Network ?? throw new PreconditionException($"the pod network is not ready: {probe.Problem}");

        // Recorded before ADD: if the daemon dies during ADD, recovery still knows which plugins to run DEL with.
        sandbox = store.Update(sandbox with
        {
            Network = new SandboxNetwork(network.Name, System.Text.Encoding.UTF8.GetString(network.Raw), null, [], false),
        });
        var attachment = SandboxNetworkArgs.Attachment(sandbox.Id, sandbox.NetnsPath!, sandbox.Config.Metadata);
        var result = await chain.AddAsync(network, attachment, SandboxNetworkArgs.RuntimeConfig(sandbox.Config), cancellationToken);
        var ips = result.Addresses.Select(a => a.ToString()).ToList();
        return store.Update(sandbox with { Network = sandbox.Network! with { Result = result.Raw, Ips = ips } });
    }

    private async Task ApplySysctlsAsync(PodSandbox sandbox, IReadOnlyDictionary<NamespaceKind, string> pinned)
    {
        if (sandbox.Config.Sysctls.Count == 0)
        {
            return;
        }

        // /proc/sys resolves net.* and IPC sysctls in the namespaces of the thread that opens the file.
        var failure = await namespaces.RunInAsync(pinned, () =>
        {
            foreach (var (key, value) in sandbox.Config.Sysctls.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var path = SysctlPolicy.ProcPath(key);
                if (!File.Exists(path))
                {
                    return $"sysctl {key} does not exist on this kernel";
                }

                try
                {
                    File.WriteAllText(path, value);
                }
                catch (IOException e)
                {
                    return $"sysctl {key}={value} was refused by the kernel: {e.Message}";
                }
            }

            return null;
        });
        if (failure is not null)
        {
            throw new InvalidInputException(failure);
        }
    }

    private static void WriteFile(PodSandbox sandbox, string name, string content)
    {
        var path = Path.Combine(sandbox.Directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static NamespaceKind Kind(string name) => name switch
    {
        "net" => NamespaceKind.Net,
        "ipc" => NamespaceKind.Ipc,
        "uts" => NamespaceKind.Uts,
        "pid" => NamespaceKind.Pid,
        "user" => NamespaceKind.User,
        _ => throw new InvalidOperationException($"unknown namespace kind {name}"),
    };
}
