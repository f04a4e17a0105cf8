using System.Text.Json;

namespace Minato.Migrate;

/// <summary>
/// Turns one Kubernetes object (as JSON, whichever format it came in) into the reduced model. Lenient on
/// purpose: a field of an unexpected type is treated as absent, because a migration report should not fail
/// on a quirk the API server would have accepted or defaulted.
/// </summary>
internal static class ObjectExtractor
{
    /// <param name="root">The object.</param>
    /// <param name="location">Where it starts in the input.</param>
    /// <param name="impliedKind">The kind implied by a typed list (PodList items carry no kind).</param>
    public static KubeObject Extract(JsonElement root, SourceLocation location, string? impliedKind = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestException(location, $"expected a Kubernetes object, found a JSON {root.ValueKind}");
        }

        var kind = Str(root, "kind") ?? impliedKind ?? "(no kind)";
        var metadata = Prop(root, "metadata");
        var objectRef = new ObjectRef(kind, Str(metadata, "namespace"), Str(metadata, "name") ?? "(unnamed)");
        return kind switch
        {
            "Node" => ReadNode(root, objectRef, location),
            "Pod" => Template(objectRef, location, metadata, metadata, Prop(root, "spec")),
            "Deployment" or "DaemonSet" or "StatefulSet" or "ReplicaSet" or "ReplicationController" or "Job" =>
                Controller(root, objectRef, location, metadata),
            "CronJob" => FromTemplate(
                objectRef, location, metadata, Prop(Prop(Prop(Prop(root, "spec"), "jobTemplate"), "spec"), "template")),
            "PodTemplate" => FromTemplate(objectRef, location, metadata, Prop(root, "template")),
            "ConfigMap" => new ConfigData(objectRef, location, Map(root, "data").ToList()),
            _ => new OtherObject(objectRef, location),
        };
    }

    private static ClusterNode ReadNode(JsonElement root, ObjectRef objectRef, SourceLocation location)
    {
        var nodeInfo = Prop(Prop(root, "status"), "nodeInfo");
        return new ClusterNode(
            objectRef with { Namespace = null },
            location,
            Str(nodeInfo, "containerRuntimeVersion") ?? "",
            Str(nodeInfo, "kubeletVersion") ?? "",
            Str(Prop(root, "spec"), "providerID"),
            Map(Prop(root, "metadata"), "labels").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Annotations(Prop(root, "metadata")).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
    }

    /// <summary>A controller's pod template, with spec.replicas when it is given.</summary>
    private static PodTemplate Controller(JsonElement root, ObjectRef objectRef, SourceLocation location, JsonElement metadata)
    {
        var spec = Prop(root, "spec");
        var replicas = int.TryParse(Str(spec, "replicas"), out var count) ? count : (int?)null;
        return FromTemplate(objectRef, location, metadata, Prop(spec, "template")) with { Replicas = replicas };
    }

    private static PodTemplate FromTemplate(
        ObjectRef objectRef, SourceLocation location, JsonElement metadata, JsonElement template) =>
        Template(objectRef, location, metadata, Prop(template, "metadata"), Prop(template, "spec"));

    private static PodTemplate Template(
        ObjectRef objectRef, SourceLocation location, JsonElement metadata, JsonElement podMetadata, JsonElement spec)
    {
        var podSpec = PodSpecReader.Read(spec, Annotations(podMetadata));
        return new PodTemplate(objectRef, location, ControllerOf(metadata, objectRef.Namespace), podSpec);
    }

    /// <summary>The owner with controller: true, else the first owner; null for a top-level object.</summary>
    private static ObjectRef? ControllerOf(JsonElement metadata, string? ns)
    {
        ObjectRef? first = null;
        foreach (var owner in Items(metadata, "ownerReferences"))
        {
            var candidate = new ObjectRef(Str(owner, "kind") ?? "(no kind)", ns, Str(owner, "name") ?? "(unnamed)");
            if (Prop(owner, "controller").ValueKind == JsonValueKind.True)
            {
                return candidate;
            }

            first ??= candidate;
        }

        return first;
    }

    /// <summary>
    /// Annotations without kubectl's last-applied-configuration, which records what was once applied, not the
    /// live object, and so is no evidence of anything running.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> Annotations(JsonElement metadata) =>
        Map(metadata, "annotations").Where(p => p.Key != "kubectl.kubernetes.io/last-applied-configuration");

    internal static JsonElement Prop(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    internal static string? Str(JsonElement element, string name) => AsString(Prop(element, name));

    internal static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>A string value; one that is not valid UTF-8 (which the reader lets through until it is read) is decoded
    /// with replacement characters rather than failing the whole report.</summary>
    private static string Text(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value)).Trim('"');
        }
    }

    internal static IEnumerable<JsonElement> Items(JsonElement element, string name)
    {
        var array = Prop(element, name);
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];
    }

    internal static IEnumerable<KeyValuePair<string, string>> Map(JsonElement element, string name)
    {
        var map = Prop(element, name);
        if (map.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var property in map.EnumerateObject())
        {
            yield return new(property.Name, AsString(property.Value) ?? "");
        }
    }
}
