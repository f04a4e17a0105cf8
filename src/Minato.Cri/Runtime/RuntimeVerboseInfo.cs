using Minato.Cri.Network;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Network;
using Minato.Engine.Oci;

namespace Minato.Cri.Runtime;

/// <summary>The <c>network</c>, <c>podNetwork</c> and <c>runtime</c> entries of a verbose Status, for <c>crictl info</c>.</summary>
public static class RuntimeVerboseInfo
{
    /// <summary>The pod network: whether it is ready, and the CNI network in use or what is wrong with the configuration.</summary>
    public static string Network(CniNetworkProbe probe) => VerboseJson.Object(json =>
    {
        json.WriteBoolean("ready", probe.IsReady);
        if (probe.Network is { } network)
        {
            json.WriteString("name", network.Name);
            json.WriteString("file", network.Path);
            json.WriteString("cniVersion", network.CniVersion);
            json.WriteStartArray("plugins");
            foreach (var type in network.PluginTypes)
            {
                json.WriteStringValue(type);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteString("problem", probe.Problem);
        }
    });

    /// <summary>What UpdateRuntimeConfig set: the node's pod CIDRs, their default routes, and the CNI template and its file.</summary>
    public static string PodNetwork(PodNetworkConfig config) => VerboseJson.Object(json =>
    {
        json.WriteStartArray("podCidrs");
        foreach (var cidr in config.PodCidrs)
        {
            json.WriteStringValue(cidr.ToString());
        }

        json.WriteEndArray();
        json.WriteStartArray("routes");
        foreach (var route in PodCidr.DefaultRoutes(config.PodCidrs))
        {
            json.WriteStringValue(route);
        }

        json.WriteEndArray();
        if (config.TemplatePath is { } template)
        {
            json.WriteString("cniConfigTemplate", template);
            json.WriteString("renderedFile", config.Rendered.Path);
            json.WriteString("lastRender", config.LastRender);
        }
        else
        {
            json.WriteNull("cniConfigTemplate");
        }
    });

    /// <summary>The daemon: its version, the CRI version, the cgroup mode, its pid, and where each runtime handler's binary is.</summary>
    /// <param name="version">Minato's version.</param>
    /// <param name="cgroupMode">How the host mounts cgroups.</param>
    /// <param name="handlers">The configured OCI runtime handlers.</param>
    public static string Runtime(string version, CgroupMode cgroupMode, IEnumerable<OciRuntimeHandler> handlers) => VerboseJson.Object(json =>
    {
        json.WriteString("version", version);
        json.WriteString("criApiVersion", RuntimeIdentity.CriApiVersion);
        json.WriteString("cgroupMode", cgroupMode.ToString().ToLowerInvariant());
        json.WriteNumber("pid", Environment.ProcessId);
        json.WriteStartObject("runtimeHandlers");
        foreach (var handler in handlers)
        {
            json.WriteString(handler.Name, handler.ResolveExecutable() ?? "(not found)");
        }

        json.WriteEndObject();
    });
}
