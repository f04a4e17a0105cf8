using Minato.Cri.Api.V1;
using Minato.Engine.Errors;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps pod sandbox configs, statuses and filters between the CRI's generated types and the core's plain ones.</summary>
/// <remarks>Unqualified types are the CRI's generated ones; the core's carry their namespace (<c>Cri.Pods.X</c>).</remarks>
internal static class PodSandboxMapper
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>Every pod.</summary>
    public static Cri.Pods.SandboxFilter AllPods { get; } = new(null, null, NoLabels);

    public static Cri.Pods.SandboxConfig ToCore(PodSandboxConfig config, string runtimeHandler)
    {
        var linux = config.Linux;
        var security = linux?.SecurityContext;
        var options = security?.NamespaceOptions;
        return new Cri.Pods.SandboxConfig
        {
            Metadata = new(config.Metadata.Name, config.Metadata.Uid, config.Metadata.Namespace, config.Metadata.Attempt),
            Hostname = config.Hostname,
            LogDirectory = config.LogDirectory,
            Dns = config.DnsConfig is null ? Cri.Pods.DnsSettings.None : new([.. config.DnsConfig.Servers], [.. config.DnsConfig.Searches], [.. config.DnsConfig.Options]),
            PortMappings = config.PortMappings.Select(p => new Cri.Pods.PortMapping(ToCore(p.Protocol), p.ContainerPort, p.HostPort, p.HostIp)).ToList(),
            Labels = new Dictionary<string, string>(config.Labels),
            Annotations = new Dictionary<string, string>(config.Annotations),
            CgroupParent = linux?.CgroupParent ?? string.Empty,
            Namespaces = new(
                NamespaceMapper.ToCore(options?.Network ?? NamespaceMode.Pod),
                NamespaceMapper.ToCore(options?.Pid ?? NamespaceMode.Pod),
                NamespaceMapper.ToCore(options?.Ipc ?? NamespaceMode.Pod)),
            Sysctls = linux is null ? new Dictionary<string, string>() : new Dictionary<string, string>(linux.Sysctls),
            Privileged = security?.Privileged ?? false,
            RuntimeHandler = runtimeHandler,
            UserNamespace = NamespaceMapper.ToCore(options?.UsernsOptions),
        };
    }

    public static PodSandboxStatus ToStatus(Cri.Pods.PodSandbox sandbox)
    {
        var status = new PodSandboxStatus
        {
            Id = sandbox.Id,
            Metadata = ToProto(sandbox.Config.Metadata),
            State = sandbox.IsReady ? PodSandboxState.SandboxReady : PodSandboxState.SandboxNotready,
            CreatedAt = sandbox.CreatedAt,
            Network = new PodSandboxNetworkStatus(),
            Linux = new LinuxPodSandboxStatus
            {
                Namespaces = new Namespace
                {
                    Options = new NamespaceOption
                    {
                        Network = NamespaceMapper.ToProto(sandbox.Config.Namespaces.Network),
                        Pid = NamespaceMapper.ToProto(sandbox.Config.Namespaces.Pid),
                        Ipc = NamespaceMapper.ToProto(sandbox.Config.Namespaces.Ipc),
                        UsernsOptions = NamespaceMapper.ToProto(sandbox.Config.UserNamespace),
                    },
                },
            },
            RuntimeHandler = sandbox.RequestedRuntimeHandler,
        };
        status.Labels.Add(new Dictionary<string, string>(sandbox.Config.Labels));
        status.Annotations.Add(new Dictionary<string, string>(sandbox.Config.Annotations));
        if (sandbox.Network is { Ips.Count: > 0 } network)
        {
            status.Network.Ip = network.Ips[0];
            status.Network.AdditionalIps.AddRange(network.Ips.Skip(1).Select(ip => new PodIP { Ip = ip }));
        }

        return status;
    }

    public static PodSandbox ToListItem(Cri.Pods.PodSandbox sandbox)
    {
        var item = new PodSandbox
        {
            Id = sandbox.Id,
            Metadata = ToProto(sandbox.Config.Metadata),
            State = sandbox.IsReady ? PodSandboxState.SandboxReady : PodSandboxState.SandboxNotready,
            CreatedAt = sandbox.CreatedAt,
            RuntimeHandler = sandbox.RequestedRuntimeHandler,
        };
        item.Labels.Add(new Dictionary<string, string>(sandbox.Config.Labels));
        item.Annotations.Add(new Dictionary<string, string>(sandbox.Config.Annotations));
        return item;
    }

    public static PodSandboxMetadata ToProto(Cri.Pods.SandboxMetadata m) => new() { Name = m.Name, Uid = m.Uid, Namespace = m.Namespace, Attempt = m.Attempt };

    /// <summary>ListPodSandbox's filter; an absent filter or field matches every pod.</summary>
    public static Cri.Pods.SandboxFilter ToFilter(PodSandboxFilter? filter) => new(
        filter?.Id,
        filter?.State is null ? null : filter.State.State == PodSandboxState.SandboxReady,
        filter?.LabelSelector ?? NoLabels);

    /// <summary>ListPodSandboxStats' filter, which has no state.</summary>
    public static Cri.Pods.SandboxFilter ToFilter(PodSandboxStatsFilter? filter) => new(filter?.Id, null, filter?.LabelSelector ?? NoLabels);

    /// <summary>Exactly the pod <paramref name="id"/>.</summary>
    public static Cri.Pods.SandboxFilter FilterById(string id) => new(id, null, NoLabels);

    private static Cri.Pods.PortProtocol ToCore(Protocol protocol) => protocol switch
    {
        Protocol.Tcp => Cri.Pods.PortProtocol.Tcp,
        Protocol.Udp => Cri.Pods.PortProtocol.Udp,
        Protocol.Sctp => Cri.Pods.PortProtocol.Sctp,
        _ => throw new InvalidInputException($"unknown port protocol {(int)protocol}"),
    };
}
