namespace Minato.Migrate;

/// <summary>
/// Advice for a kind of workload that is recognised by its images and commands, where one specific answer
/// beats the category's general one: image-cleanup jobs (the kubelet's image GC replaces them) and log agents
/// (the CRI log parser setting of that agent).
/// </summary>
internal static class WorkloadAdvice
{
    private const string ImageCleanup =
        "This is an image-cleanup workload: on a CRI node the kubelet's own image garbage collection does its " +
        "job (imageGCHighThresholdPercent and imageGCLowThresholdPercent, and imageMaximumGCAge from 1.29, in " +
        "the kubelet configuration). Delete it rather than port it; crictl rmi --prune does a one-off clean-up.";

    private static readonly string[] CleanupMarkers =
        ["docker-gc", "docker-cleanup", "image-cleanup", "image-prune", "imagecleanup", "docker-janitor"];

    private static readonly string[] CleanupCommands =
        ["docker image prune", "docker system prune", "docker rmi", "docker images -q"];

    /// <summary>The image-cleanup advice when the workload is one, else null.</summary>
    public static string? ForImageCleanup(PodTemplate template)
    {
        var name = template.Ref.Name;
        foreach (var container in template.Spec.Containers)
        {
            var commandLine = string.Join(' ', container.CommandLine);
            if (CleanupMarkers.Any(m => container.Image.Contains(m, StringComparison.OrdinalIgnoreCase) || name.Contains(m, StringComparison.OrdinalIgnoreCase))
                || CleanupCommands.Any(c => commandLine.Contains(c, StringComparison.Ordinal)))
            {
                return ImageCleanup;
            }
        }

        return null;
    }

    /// <summary>The log agent a pod runs (by image) or a configuration is for (by its syntax), or null.</summary>
    public static LogAgent? AgentOf(PodTemplate template) =>
        template.Spec.Containers.Select(c => AgentOfImage(c.Image)).FirstOrDefault(a => a is not null);

    public static LogAgent? AgentOfImage(string image)
    {
        var repository = DockerInDockerRule.Repository(image).ToLowerInvariant();
        var name = repository[(repository.LastIndexOf('/') + 1)..];
        return name switch
        {
            _ when name.StartsWith("fluent-bit", StringComparison.Ordinal) => LogAgent.FluentBit,
            _ when name.StartsWith("fluentd", StringComparison.Ordinal) => LogAgent.Fluentd,
            _ when name.StartsWith("promtail", StringComparison.Ordinal) || name == "alloy" => LogAgent.Promtail,
            _ when name.StartsWith("filebeat", StringComparison.Ordinal) => LogAgent.Filebeat,
            _ when name.StartsWith("vector", StringComparison.Ordinal) => LogAgent.Vector,
            _ => null,
        };
    }

    /// <summary>The one setting that makes this agent read CRI logs.</summary>
    public static string ParserSetting(LogAgent agent) => agent switch
    {
        LogAgent.FluentBit => "Fluent Bit: in the tail input set multiline.parser cri (instead of Parser docker or multiline.parser docker)",
        LogAgent.Fluentd => "Fluentd: parse with the cri parser (fluent-plugin-parser-cri, <parse> @type cri </parse>) instead of @type json",
        LogAgent.Promtail => "Promtail: use the pipeline stage cri: {} instead of docker: {}",
        LogAgent.Filebeat => "Filebeat: use the container input (type: container, paths /var/log/containers/*.log) instead of type: docker",
        _ => "Vector: use the kubernetes_logs source instead of docker_logs",
    };
}

/// <summary>Log agents whose CRI log setting the report names.</summary>
internal enum LogAgent
{
    FluentBit,
    Fluentd,
    Promtail,
    Filebeat,
    Vector,
}
