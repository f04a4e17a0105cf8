using Minato.Migrate;

namespace Minato.Tests.Migrate;

public sealed class MigrationAnalyzerTests
{
    [Fact]
    public void Analyze_MixedNodes_BlocksDockershimNotesCriDockerdAndListsTheRestReady()
    {
        var report = Fixture.Analyze("nodes-mixed.json");

        Assert.Equal(Verdict.Blocked, report.Verdict);
        var verdicts = report.Nodes.ToDictionary(n => n.Name, n => n.Verdict);
        Assert.Equal(Verdict.Blocked, verdicts["node-old"]);
        Assert.Equal(Verdict.Ready, verdicts["node-shim"]);
        AssertFinding(report, FindingKind.DockerRuntimeNode, Severity.Info, "Node node-shim", "(cri-dockerd)");
        Assert.Equal(Verdict.Ready, verdicts["node-containerd"]);
        Assert.Equal(Verdict.Ready, verdicts["node-crio"]);
        Assert.Equal(Verdict.Ready, verdicts["minikube"]);
        Assert.Equal(
            ["kind-control-plane", "minikube"],
            report.Findings.Where(f => f.Kind == FindingKind.NoActionNeeded).Select(f => f.Subject.Name));
    }

    [Fact]
    public void Analyze_Pods_FindsEachKindInPods()
    {
        var report = Fixture.Analyze("pods.yaml");

        AssertFinding(report, FindingKind.DockerSocket, Severity.Blocker, "Pod ci/socket-user", "hostPath /var/run/docker.sock");
        AssertFinding(report, FindingKind.DockerSocket, Severity.Blocker, "Pod ci/docker-host-env", "DOCKER_HOST=unix:///run/docker.sock");
        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "Pod ci/dind-builder", "docker:24.0.7-dind (Docker-in-Docker)");
        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "Pod ci/dind-builder", "runs docker build");
        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "Pod ci/dind-builder", "DOCKER_HOST=tcp://localhost:2375");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Action, "Pod ml/gpu-legacy", "NVIDIA_VISIBLE_DEVICES=all");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Action, "Pod ml/gpu-legacy", "annotation nvidia-docker/volumes");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Info, "Pod ml/gpu-runtime-class", "runtimeClassName nvidia");
        AssertFinding(report, FindingKind.DockerLogFormat, Severity.Action, "Pod logging/fluentd-abcde", "/var/lib/docker/containers");
        Assert.DoesNotContain(report.Findings, f => f.Subject.Namespace == "web");
        Assert.DoesNotContain(report.Findings, f => f.Kind == FindingKind.DockerSocket && f.Evidence.Contains("/var/log", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_Controllers_FindsEachKindInPodTemplates()
    {
        var report = Fixture.Analyze("controllers.yaml");

        AssertFinding(report, FindingKind.DockerSocket, Severity.Action, "Deployment ci/ci-runner", "hostPath /var/run at /host/run; nothing");
        AssertFinding(report, FindingKind.DockerSocket, Severity.Action, "DaemonSet monitoring/node-monitor", "hostPath /var/lib/docker");
        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "StatefulSet ci/buildkit-legacy", "privileged container daemon starts dockerd");
        AssertFinding(report, FindingKind.DockerSocket, Severity.Blocker, "CronJob ci/nightly-build", "hostPath /run/docker.sock");
        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "CronJob ci/nightly-build", "runs docker run");
        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "CronJob ci/nightly-build", "(Docker CLI)");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Blocker, "Job ml/gpu-job", "alpha.kubernetes.io/nvidia-gpu");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Blocker, "Job ml/gpu-job", "/var/lib/nvidia-docker");
        AssertFinding(report, FindingKind.DockerLogFormat, Severity.Action, "ReplicaSet logging/promtail-rs", "read /var/lib/docker/containers");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Info, "ReplicationController ml/legacy-gpu", "runtimeClassName nvidia");
        AssertFinding(report, FindingKind.DockerLogFormat, Severity.Action, "ConfigMap logging/fluent-bit-config", "line 4: Parser docker");
    }

    [Fact]
    public void Analyze_PodsOfADeployment_MergeIntoOneFindingOnTheDeployment()
    {
        var report = Fixture.Analyze("deployment-with-pods.json");

        var finding = Assert.Single(report.Findings);
        Assert.Equal("Deployment ci/builder", finding.Subject.ToString());
        Assert.Equal(4, finding.Occurrences);
        Assert.Equal(8, finding.Location.Line);
    }

    [Fact]
    public void Analyze_UnknownKinds_AreSkippedAndCounted()
    {
        var report = Fixture.Analyze("controllers.yaml", "manifests/app.yaml", "nodes-mixed.json");

        Assert.Equal(3, report.Input.SkippedKinds["Service"]);
        Assert.Equal(1, report.Input.Nodes - 5);
        Assert.Equal(8, report.Input.Controllers);
    }

    [Fact]
    public void Analyze_CleanCluster_IsReady()
    {
        var report = Fixture.Analyze("clean.yaml");

        Assert.Equal(Verdict.Ready, report.Verdict);
        Assert.Empty(report.Findings);
        Assert.Equal(Verdict.Ready, Assert.Single(report.Namespaces).Verdict);
    }

    [Fact]
    public void Analyze_GpuRequestedThroughDevicePlugin_IsNotFlagged()
    {
        var report = Fixture.AnalyzeText("""
            kind: Pod
            metadata: {name: gpu, namespace: ml}
            spec:
              containers:
              - name: c
                image: nvcr.io/nvidia/cuda:12.2.0-base-ubuntu22.04
                env: [{name: NVIDIA_VISIBLE_DEVICES, value: all}]
                resources: {limits: {nvidia.com/gpu: 1}}
            """);

        Assert.Empty(report.Findings);
    }

    [Theory]
    [InlineData("v1.23.17", false)]
    [InlineData("v1.24.0", true)]
    [InlineData("v1.29.2-eks-5e0fdde", true)]
    [InlineData("v2.0.0", true)]
    [InlineData("", false)]
    [InlineData("garbage", false)]
    public void KubeletHasNoDockershim_Version_Answers(string version, bool expected) =>
        Assert.Equal(expected, DockerRuntimeNodeRule.KubeletHasNoDockershim(version));

    [Theory]
    [InlineData("docker:24-dind", "docker")]
    [InlineData("registry.example.com:5000/library/docker:24", "registry.example.com:5000/library/docker")]
    [InlineData("docker@sha256:abc", "docker")]
    [InlineData("nginx", "nginx")]
    public void Repository_ImageReference_DropsTagAndDigest(string image, string expected) =>
        Assert.Equal(expected, DockerInDockerRule.Repository(image));

    internal static void AssertFinding(MigrationReport report, FindingKind kind, Severity severity, string subject, string evidence) =>
        Assert.Contains(
            report.Findings,
            f => f.Kind == kind && f.Severity == severity && f.Subject.ToString() == subject
                && f.Evidence.Contains(evidence, StringComparison.Ordinal) && f.Advice.Length > 100);
}
