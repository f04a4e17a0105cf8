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
    });
}
