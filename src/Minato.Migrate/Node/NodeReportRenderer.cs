namespace Minato.Migrate.Node;

/// <summary>Writes a <see cref="NodeCheck"/> for a person: verdict, Docker, the kubelet, findings, then the plan and its diff.</summary>
public sealed class NodeReportRenderer(TextWriter output)
{
    public void Render(NodeCheck check, string root)
    {
        output.WriteLine($"Node {check.NodeName}{(root == "/" ? "" : $" (files under {root})")}: {FindingText.Label(check.Verdict).ToUpperInvariant()}");
        var docker = check.Docker;
        output.WriteLine($"Docker: {(docker.IsRunning ? $"running (pid {docker.Daemon!.Pid})" : docker.IsInstalled ? "installed, not running" : "not installed")}" +
            $", {docker.ImageCount:N0} images, {docker.Containers.Count(c => c.Running):N0} containers running");
        output.WriteLine($"Kubelet: runtime {check.Runtime}, endpoint {check.Endpoint ?? "(none set)"}, cgroup driver {check.KubeletCgroupDriver}");
        foreach (var severity in new[] { Severity.Blocker, Severity.Action, Severity.Info })
        {
            foreach (var finding in check.Findings.Where(f => f.Severity == severity))
            {
                output.WriteLine($"  - {FindingText.Word(severity)}: {finding.Evidence}");
                output.WriteLine($"      {finding.Advice}");
            }
        }

        if (!check.IsDrained)
        {
            output.WriteLine($"Not drained: {check.PodsStillRunning.Count:N0} pod(s) still run here, so --apply will refuse:");
            foreach (var pod in check.PodsStillRunning)
            {
                output.WriteLine($"  {pod.PodNamespace}/{pod.PodName}");
            }
        }

        if (check.Steps.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("Plan:");
        for (var i = 0; i < check.Steps.Count; i++)
        {
            output.WriteLine($"  {i + 1}. {check.Steps[i]}");
        }

        output.WriteLine();
        foreach (var change in check.Changes)
        {
            output.Write(change.Diff());
        }
    }
}
