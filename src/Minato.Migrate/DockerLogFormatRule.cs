using System.Text.RegularExpressions;

namespace Minato.Migrate;

/// <summary>
/// Log and monitoring agents that read Docker's json-file logs under /var/lib/docker/containers, or whose
/// configuration (in a ConfigMap) parses Docker's JSON log lines.
/// </summary>
internal sealed partial class DockerLogFormatRule : IMigrationRule
{
    private const string Advice =
        "CRI runtimes do not write /var/lib/docker/containers/*/*-json.log. The kubelet has them write " +
        "/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log (linked from /var/log/containers), " +
        "one line per record in the CRI format \"<RFC 3339 time> <stdout|stderr> <P|F> <message>\", where P " +
        "marks a partial line to join with the next. Mount /var/log (not the Docker directory) and switch the " +
        "parser: Fluent Bit multiline.parser cri, Fluentd the cri parser plugin, Promtail cri: {}, Filebeat the " +
        "container input, Vector the kubernetes_logs source. Until then the agent runs but ships no logs from " +
        "nodes that have moved.";

    private const string DockerLogs = "/var/lib/docker/containers";

    private static readonly Dictionary<LogAgent, string> AgentAdvice = Enum.GetValues<LogAgent>().ToDictionary(
        a => a,
        a => $"{WorkloadAdvice.ParserSetting(a)}, and read /var/log/containers/*.log (mount /var/log, not " +
            "/var/lib/docker/containers): CRI runtimes write each line as \"<RFC 3339 time> <stdout|stderr> <P|F> " +
            "<message>\", not Docker's JSON. Until then the agent runs but ships no logs from nodes that have moved.");

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        switch (item)
        {
            case PodTemplate template:
                InspectPod(template, findings);
                break;
            case ConfigData config:
                InspectConfig(config, findings);
                break;
        }
    }

    private static void InspectPod(PodTemplate template, FindingCollector findings)
    {
        var advice = WorkloadAdvice.AgentOf(template) is { } agent ? AgentAdvice[agent] : Advice;
        foreach (var volume in template.Spec.HostPaths)
        {
            var path = HostPathUse.Normalize(volume.Path);
            if (HostPathUse.IsAtOrUnder(path, DockerLogs))
            {
                foreach (var evidence in HostPathUse.Describe(template.Spec, volume))
                {
                    findings.Report(template, FindingKind.DockerLogFormat, Severity.Action, evidence, advice);
                }
            }
        }

        foreach (var container in template.Spec.Containers)
        {
            // Command lines are configuration; an environment value only when it is a path, not prose mentioning one.
            if (container.CommandLine.Any(v => v.Contains(DockerLogs, StringComparison.Ordinal))
                || container.Env.Any(e => ConfigValue.Names(e.Value, DockerLogs)))
            {
                findings.Report(
                    template, FindingKind.DockerLogFormat, Severity.Action, $"{container} is configured to read {DockerLogs}", advice);
            }
        }
    }

    private static void InspectConfig(ConfigData config, FindingCollector findings)
    {
        foreach (var (key, value) in config.Data)
        {
            var line = 0;
            foreach (var text in value.AsSpan().EnumerateLines())
            {
                line++;
                if (text.Contains(DockerLogs, StringComparison.Ordinal) || DockerParser().IsMatch(text))
                {
                    var advice = AgentOfConfig(value) is { } agent ? AgentAdvice[agent] : Advice;
                    findings.Report(
                        config, FindingKind.DockerLogFormat, Severity.Action, $"data {key} line {line}: {text.Trim()}", advice);
                    break;
                }
            }
        }
    }

    /// <summary>Which agent a configuration is for, from syntax only that agent uses.</summary>
    private static LogAgent? AgentOfConfig(string text) =>
        text.Contains("[INPUT]", StringComparison.OrdinalIgnoreCase) ? LogAgent.FluentBit
        : text.Contains("<source>", StringComparison.Ordinal) ? LogAgent.Fluentd
        : text.Contains("scrape_configs", StringComparison.Ordinal) ? LogAgent.Promtail
        : text.Contains("filebeat.", StringComparison.Ordinal) ? LogAgent.Filebeat
        : text.Contains("docker_logs", StringComparison.Ordinal) ? LogAgent.Vector
        : null;

    /// <summary>
    /// Fluent Bit "Parser docker", Promtail "- docker: {}", Filebeat "type: docker"
    /// and Vector "type = docker_logs".
    /// </summary>
    [GeneratedRegex(
        @"^\s*(parser\s+docker\s*$|-\s*docker:\s*\{\s*\}|-?\s*type:\s*docker\s*$|type\s*=\s*""docker_logs"")",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DockerParser();
}
