using System.Globalization;
using System.Text.Json.Nodes;
using Minato.Engine.Errors;
using Minato.Engine.Network;

namespace Minato.Cri.Pods;

/// <summary>Turns a pod's config into what the kubelet-facing CNI contract expects: CNI_ARGS and capability args.</summary>
public static class SandboxNetworkArgs
{
    /// <summary>The annotation the kubelet's bandwidth support reads for ingress limits (bits per second, a quantity).</summary>
    public const string IngressBandwidth = "kubernetes.io/ingress-bandwidth";

    /// <summary>The egress counterpart of <see cref="IngressBandwidth"/>.</summary>
    public const string EgressBandwidth = "kubernetes.io/egress-bandwidth";

    /// <summary>The attachment for the pod's eth0 with the K8S_POD_* arguments plugins such as Calico and Cilium read.</summary>
    public static CniAttachment Attachment(string sandboxId, string netnsPath, SandboxMetadata metadata) =>
        new(sandboxId, netnsPath, "eth0",
        [
            new("IgnoreUnknown", "1"),
            new("K8S_POD_NAMESPACE", metadata.Namespace),
            new("K8S_POD_NAME", metadata.Name),
            new("K8S_POD_INFRA_CONTAINER_ID", sandboxId),
            new("K8S_POD_UID", metadata.Uid),
        ]);

    /// <summary>The runtimeConfig capability arguments: portMappings, bandwidth, dns.</summary>
    public static JsonObject RuntimeConfig(SandboxConfig config)
    {
        var runtimeConfig = new JsonObject();
        var ports = new JsonArray();
        foreach (var mapping in config.PortMappings.Where(m => m.HostPort > 0))
        {
            ports.Add(new JsonObject
            {
                ["hostPort"] = mapping.HostPort,
                ["containerPort"] = mapping.ContainerPort,
                ["protocol"] = mapping.Protocol.ToString().ToLowerInvariant(),
                ["hostIP"] = mapping.HostIp,
            });
        }

        if (ports.Count > 0)
        {
            runtimeConfig["portMappings"] = ports;
        }

        var bandwidth = new JsonObject();
        if (config.Annotations.TryGetValue(IngressBandwidth, out var ingress))
        {
            var rate = ParseBitsPerSecond(IngressBandwidth, ingress);
            bandwidth["ingressRate"] = rate;
            bandwidth["ingressBurst"] = int.MaxValue;
        }

        if (config.Annotations.TryGetValue(EgressBandwidth, out var egress))
        {
            var rate = ParseBitsPerSecond(EgressBandwidth, egress);
            bandwidth["egressRate"] = rate;
            bandwidth["egressBurst"] = int.MaxValue;
        }

        if (bandwidth.Count > 0)
        {
            runtimeConfig["bandwidth"] = bandwidth;
        }

        if (!config.Dns.IsEmpty)
        {
            runtimeConfig["dns"] = new JsonObject
            {
                ["servers"] = new JsonArray(config.Dns.Servers.Select(s => (JsonNode)s).ToArray()),
                ["searches"] = new JsonArray(config.Dns.Searches.Select(s => (JsonNode)s).ToArray()),
                ["options"] = new JsonArray(config.Dns.Options.Select(s => (JsonNode)s).ToArray()),
            };
        }

        return runtimeConfig;
    }

    /// <summary>Parses a Kubernetes quantity such as <c>10M</c>, <c>1Gi</c> or <c>500k</c> as bits per second.</summary>
    /// <exception cref="InvalidInputException">Not a quantity, or outside 1 kbit/s to 1 Pbit/s.</exception>
    public static long ParseBitsPerSecond(string annotation, string quantity)
    {
        (string Suffix, double Factor)[] suffixes =
        [
            ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", 1024d * 1024 * 1024), ("Ti", 1024d * 1024 * 1024 * 1024),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), (string.Empty, 1),
        ];
        foreach (var (suffix, factor) in suffixes)
        {
            if (quantity.EndsWith(suffix, StringComparison.Ordinal) &&
                decimal.TryParse(quantity.AsSpan(0, quantity.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                var bits = (double)number * factor;
                if (bits is < 1e3 or > 1e15)
                {
                    throw new InvalidInputException($"annotation {annotation}: {quantity} is outside 1k to 1P bits per second");
                }

                return (long)bits;
            }
        }

        throw new InvalidInputException($"annotation {annotation}: \"{quantity}\" is not a quantity such as 10M or 1Gi");
    }
}
