using System.Text.Json;
using static Minato.Migrate.ObjectExtractor;

namespace Minato.Migrate;

/// <summary>Reads a PodSpec from JSON into <see cref="PodSpec"/>.</summary>
internal static class PodSpecReader
{
    public static PodSpec Read(JsonElement spec, IEnumerable<KeyValuePair<string, string>> annotations)
    {
        // kubectl debug leaves ephemeral containers in the pod spec: they run on the node like any other.
        var containers = Items(spec, "initContainers").Select(c => ReadContainer(c, "init container"))
            .Concat(Items(spec, "containers").Select(c => ReadContainer(c, "container")))
            .Concat(Items(spec, "ephemeralContainers").Select(c => ReadContainer(c, "ephemeral container")))
            .ToList();
        var hostPaths = new List<HostPathVolume>();
        var emptyDirs = new List<string>();
        foreach (var volume in Items(spec, "volumes"))
        {
            if (Str(Prop(volume, "hostPath"), "path") is { } path)
            {
                hostPaths.Add(new HostPathVolume(Str(volume, "name") ?? "", path));
            }
            else if (Prop(volume, "emptyDir").ValueKind != JsonValueKind.Undefined)
            {
                emptyDirs.Add(Str(volume, "name") ?? "");
            }
        }

        return new PodSpec(
            Str(spec, "runtimeClassName"),
            annotations.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            containers,
            hostPaths,
            emptyDirs);
    }

    private static ContainerSpec ReadContainer(JsonElement container, string role)
    {
        var commandLine = Items(container, "command").Concat(Items(container, "args"))
            .Select(AsString).OfType<string>().ToList();
        var env = Items(container, "env")
            .Select(e => new EnvVar(Str(e, "name") ?? "", Str(e, "value")))
            .ToList();
        var mounts = Items(container, "volumeMounts")
            .Select(m => new VolumeMount(Str(m, "name") ?? "", Str(m, "mountPath") ?? ""))
            .ToList();
        var resources = Prop(container, "resources");
        var resourceNames = Map(resources, "limits").Concat(Map(resources, "requests"))
            .Select(p => p.Key).Distinct(StringComparer.Ordinal).ToList();
        var privileged = Prop(Prop(container, "securityContext"), "privileged").ValueKind == JsonValueKind.True;
        return new ContainerSpec(
            role, Str(container, "name") ?? "", Str(container, "image") ?? "", commandLine, env, privileged, mounts, resourceNames);
    }
}
