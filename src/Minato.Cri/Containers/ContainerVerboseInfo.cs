namespace Minato.Cri.Containers;

/// <summary>The <c>info</c> entry of a verbose ContainerStatus: where the container's pieces are on the host.</summary>
public static class ContainerVerboseInfo
{
    /// <summary>The JSON object, for people debugging a container on the node.</summary>
    public static string Json(PodContainer record) => VerboseJson.Object(json =>
    {
        json.WriteNumber("pid", record.Pid);
        json.WriteString("phase", record.Phase.ToString());
        json.WriteString("bundle", record.BundleDirectory);
        json.WriteString("rootfs", record.State.RootfsPath);
        json.WriteString("layer", record.LayerDirectory);
        json.WriteString("runtimeHandler", record.RuntimeHandler);
        json.WriteString("stopSignal", record.State.StopSignal);
        json.WriteString("memoryCgroup", record.State.MemoryCgroup);
    });
}
