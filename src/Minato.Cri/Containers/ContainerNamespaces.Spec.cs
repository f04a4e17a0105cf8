using Minato.Cri.Pods;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The spec's namespaces: the pod's pinned user, net, ipc and uts files joined; pid per the request; mount always new.</summary>
public static class SpecNamespaces
{
    /// <summary>Builds the list; a host namespace is simply absent.</summary>
    /// <param name="config">The container's request.</param>
    /// <param name="sandbox">The pod, with its pinned namespace files.</param>
    /// <param name="pidNamespaceOf">For TARGET pid: the pid namespace path of another container, or null when it has none.</param>
    /// <param name="options">Spec options (cgroup version).</param>
    public static IReadOnlyList<LinuxNamespace> Build(
        ContainerConfig config, PodSandbox sandbox, Func<string, string?>? pidNamespaceOf, ContainerSpecOptions options)
    {
        var pins = sandbox.NamespacePaths;
        var pod = sandbox.Config.Namespaces;
        var list = new List<LinuxNamespace> { new("mount") };

        // The pod's user namespace first: the runtime joins it before the others, which it owns.
        if (pins.GetValueOrDefault("user") is { } user)
        {
            list.Insert(0, new("user", user));
        }

        Join(list, "network", pins.GetValueOrDefault("net"), pod.Network == NamespaceMode.Node);
        Join(list, "ipc", pins.GetValueOrDefault("ipc"), pod.Ipc == NamespaceMode.Node);
        if (pins.GetValueOrDefault("uts") is { } uts)
        {
            list.Add(new("uts", uts));
        }

        if (Pid(config, sandbox, pidNamespaceOf) is { } pid)
        {
            list.Add(pid);
        }

        // cgroup v2: a private cgroup namespace shows the container its own cgroup as '/' (what the kubelet expects).
        if (options.CgroupV2 && !config.Security.Privileged)
        {
            list.Add(new("cgroup"));
        }

        return list;
    }

    private static void Join(List<LinuxNamespace> list, string type, string? path, bool host)
    {
        if (path is not null)
        {
            list.Add(new(type, path));
        }
        else if (!host)
        {
            throw new PreconditionException($"the pod has no pinned {type} namespace (is it ready?)");
        }
    }

    private static LinuxNamespace? Pid(ContainerConfig config, PodSandbox sandbox, Func<string, string?>? pidNamespaceOf)
    {
        var options = config.Security.Namespaces;
        switch (options.Pid)
        {
            case NamespaceMode.Container:
                return new("pid");
            case NamespaceMode.Node:
                return null;
            case NamespaceMode.Pod:
                return sandbox.NamespacePaths.GetValueOrDefault("pid") is { } pinned ? new("pid", pinned)
                    : sandbox.Config.Namespaces.Pid == NamespaceMode.Node ? null
                    : throw new PreconditionException("the pod shares no pid namespace (namespace_options.pid POD)");
            default:
                if (options.TargetId.Length == 0)
                {
                    throw new InvalidInputException("namespace_options.pid TARGET needs target_id");
                }

                var path = pidNamespaceOf?.Invoke(options.TargetId)
                    ?? throw new NotFoundException($"target container {options.TargetId} has no pid namespace to join (not found or not running)");
                return new("pid", SpecValues.AbsolutePath("target pid namespace", path));
        }
    }
}
