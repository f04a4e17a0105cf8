namespace Minato.Cri.Pods;

/// <summary>The <c>info</c> entry of a verbose PodSandboxStatus: where the pod's pieces are on the node.</summary>
public static class PodSandboxVerboseInfo
{
    /// <summary>The JSON object, for people debugging a pod: directory, namespaces, pid-namespace init and CNI result.</summary>
    public static string Json(PodSandbox sandbox) => VerboseJson.Object(json =>
    {
        json.WriteString("sandboxId", sandbox.Id);
        json.WriteString("phase", sandbox.Phase.ToString());
        json.WriteString("runtimeHandler", sandbox.RuntimeHandler);
        json.WriteString("directory", sandbox.Directory);
        json.WriteString("hostname", sandbox.Hostname);
        json.WriteStartObject("namespaces");
        foreach (var (kind, path) in sandbox.NamespacePaths)
        {
            json.WriteString(kind, path);
        }

        json.WriteEndObject();
        if (sandbox.InitPid is { } pid)
        {
            json.WriteNumber("pidNamespaceInit", pid);
        }

        if (sandbox.Network is { } network)
        {
            json.WriteString("netnsPath", sandbox.NetnsPath);
            json.WriteString("cniNetwork", network.Name);
            json.WriteBoolean("networkTornDown", network.TornDown);
            if (network.Result is { } result)
            {
                json.WritePropertyName("cniResult");
                json.WriteRawValue(result);
            }
        }

        // CRI 1.36 PodSandboxStatus has no field for pod-level resources: the last UpdatePodSandboxResources is shown here.
        if (sandbox.Resources is { } resources)
        {
            json.WriteStartObject("resources");
            WriteResources(json, "overhead", resources.Overhead);
            WriteResources(json, "resources", resources.Resources);
            json.WriteEndObject();
        }
    });

    private static void WriteResources(System.Text.Json.Utf8JsonWriter json, string name, Containers.ContainerResources r)
    {
        json.WriteStartObject(name);
        json.WriteNumber("cpuPeriod", r.CpuPeriod);
        json.WriteNumber("cpuQuota", r.CpuQuota);
        json.WriteNumber("cpuShares", r.CpuShares);
        json.WriteNumber("memoryLimitInBytes", r.MemoryLimitInBytes);
        json.WriteString("cpusetCpus", r.CpusetCpus);
        json.WriteString("cpusetMems", r.CpusetMems);
        json.WriteStartObject("hugepageLimits");
        foreach (var limit in r.HugepageLimits)
        {
            json.WriteNumber(limit.PageSize, limit.Limit);
        }

        json.WriteEndObject();
        json.WriteStartObject("unified");
        foreach (var (key, value) in r.Unified)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
