using Minato.Migrate;
using static Minato.Tests.Migrate.MigrationAnalyzerTests;

namespace Minato.Tests.Migrate;

/// <summary>One test per verdict rule of <c>minato migrate</c>, each on manifests it writes itself.</summary>
public sealed class VerdictRuleTests
{
    /// <summary>A pod spec (YAML flow style) whose container mounts the node's Docker socket.</summary>
    private const string SocketSpec =
        "{containers: [{name: agent, image: example.com/agent:1, volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]}], " +
        "volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]}";

    [Fact]
    public void Analyze_NodeOnCriDockerd_IsInfo()
    {
        var report = Fixture.AnalyzeText("""
            kind: Node
            metadata: {name: n1}
            status: {nodeInfo: {containerRuntimeVersion: docker://24.0.7, kubeletVersion: v1.27.4}}
            """);

        AssertFinding(report, FindingKind.DockerRuntimeNode, Severity.Info, "Node n1", "(cri-dockerd)");
        Assert.Equal(Verdict.Ready, report.Verdict);
    }

    [Fact]
    public void Analyze_NodeOnDockershim_IsBlocker()
    {
        var report = Fixture.AnalyzeText("""
            kind: Node
            metadata: {name: n1}
            status: {nodeInfo: {containerRuntimeVersion: docker://20.10.7, kubeletVersion: v1.23.17}}
            """);

        AssertFinding(report, FindingKind.DockerRuntimeNode, Severity.Blocker, "Node n1", "(dockershim)");
        Assert.Equal(Verdict.Blocked, report.Verdict);
    }

    [Fact]
    public void Analyze_NvidiaRuntimeClass_IsInfo()
    {
        var report = Fixture.AnalyzeText("""
            kind: Pod
            metadata: {name: infer, namespace: ml}
            spec:
              runtimeClassName: nvidia
              containers: [{name: c, image: example.com/infer:1, resources: {limits: {nvidia.com/gpu: 1}}}]
            """);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("NVIDIA Container Toolkit", finding.Advice, StringComparison.Ordinal);
        Assert.Equal(Verdict.Ready, report.Verdict);
    }

    [Fact]
    public void Analyze_MovedNodeWithDockerLabels_ReportsStaleLabelsAsInfo()
    {
        var report = Fixture.AnalyzeText("""
            kind: Node
            metadata:
              name: n1
              labels: {container-runtime: docker, kubernetes.io/os: linux}
              annotations:
                kubeadm.alpha.kubernetes.io/cri-socket: unix:///var/run/dockershim.sock
                kubectl.kubernetes.io/last-applied-configuration: '{"metadata":{"labels":{"runtime":"docker"}}}'
            status: {nodeInfo: {containerRuntimeVersion: containerd://1.7.13, kubeletVersion: v1.29.2}}
            """);

        Assert.Equal(2, report.Findings.Count);
        AssertFinding(report, FindingKind.DockerRuntimeNode, Severity.Info, "Node n1", "label container-runtime=docker still says docker");
        AssertFinding(
            report, FindingKind.DockerRuntimeNode, Severity.Info, "Node n1",
            "annotation kubeadm.alpha.kubernetes.io/cri-socket=unix:///var/run/dockershim.sock still says docker");
        Assert.Equal(Verdict.Ready, report.Verdict);
    }

    [Fact]
    public void Analyze_ScaledToZeroReplicaSet_IsARollbackTargetOfItsOwn()
    {
        var report = Fixture.AnalyzeText($$"""
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec: {template: {spec: {containers: [{name: api, image: example.com/api:2}]} } }
            ---
            kind: ReplicaSet
            metadata: {name: api-new, namespace: shop, ownerReferences: [{kind: Deployment, name: api, controller: true}]}
            spec: {replicas: 2, template: {spec: {containers: [{name: api, image: example.com/api:2}]} } }
            ---
            kind: ReplicaSet
            metadata: {name: api-old, namespace: shop, ownerReferences: [{kind: Deployment, name: api, controller: true}]}
            spec: {replicas: 0, template: {spec: {{SocketSpec}} } }
            """);

        var finding = Assert.Single(report.Findings);
        Assert.Equal("ReplicaSet shop/api-old", finding.Subject.ToString());
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.StartsWith("rollback target:", finding.Evidence, StringComparison.Ordinal);
        Assert.Contains("Deployment shop/api", finding.Advice, StringComparison.Ordinal);
        Assert.Equal(2, report.Input.Workloads);
        Assert.Equal(Verdict.Ready, report.Verdict);
    }

    [Fact]
    public void Analyze_PodOfJobOfCronJob_RollsUpToTheCronJob()
    {
        var report = Fixture.AnalyzeText($$"""
            kind: Pod
            metadata: {name: nightly-123-abcde, namespace: ci, ownerReferences: [{kind: Job, name: nightly-123, controller: true}]}
            spec: {{SocketSpec}}
            ---
            kind: Job
            metadata: {name: nightly-123, namespace: ci, ownerReferences: [{kind: CronJob, name: nightly, controller: true}]}
            spec: {template: {spec: {containers: [{name: agent, image: example.com/agent:1}]} } }
            ---
            kind: CronJob
            metadata: {name: nightly, namespace: ci}
            spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: agent, image: example.com/agent:1}]} } } } }
            """);

        var workload = Assert.Single(report.Workloads);
        Assert.Equal("CronJob ci/nightly", workload.Subject.ToString());
        Assert.Equal(1, report.Input.Workloads);
    }

    [Fact]
    public void Analyze_PodWhoseOwnerIsNotInTheInput_IsItsOwnWorkload()
    {
        var pod = (string name) => $$"""
            kind: Pod
            metadata: {name: {{name}}, namespace: ci, ownerReferences: [{kind: ReplicaSet, name: runner-6f7, controller: true}]}
            spec: {{SocketSpec}}
            """;
        var report = Fixture.AnalyzeText(pod("runner-6f7-aaaaa") + "\n---\n" + pod("runner-6f7-bbbbb"));

        Assert.Equal(["Pod ci/runner-6f7-aaaaa", "Pod ci/runner-6f7-bbbbb"], report.Workloads.Select(w => w.Subject.ToString()));
        Assert.All(report.Findings, f => Assert.Equal(1, f.Occurrences));
        Assert.Equal(2, report.Input.Workloads);
    }

    [Fact]
    public void Analyze_Cluster_CountsWorkloadsAndListsEachOnceWithAllItsFindings()
    {
        var runnerPod = (string name) => $$"""
            kind: Pod
            metadata: {name: {{name}}, namespace: ci, ownerReferences: [{kind: ReplicaSet, name: runner-1, controller: true}]}
            spec: {{SocketSpec}}
            """;
        var (podA, podB, podC) = (runnerPod("runner-1-a"), runnerPod("runner-1-b"), runnerPod("runner-1-c"));
        var report = Fixture.AnalyzeText($$"""
            kind: Deployment
            metadata: {name: runner, namespace: ci}
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: example.com/agent:1
                    env: [{name: DOCKER_HOST, value: "tcp://builder:2375"}]
                    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
                  volumes: [{name: sock, hostPath: {path: /var/run/docker.sock} }]
            ---
            kind: ReplicaSet
            metadata: {name: runner-1, namespace: ci, ownerReferences: [{kind: Deployment, name: runner, controller: true}]}
            spec: {replicas: 3, template: {spec: {containers: [{name: agent, image: example.com/agent:1}]} } }
            ---
            {{podA}}
            ---
            {{podB}}
            ---
            {{podC}}
            ---
            kind: DaemonSet
            metadata: {name: exporter, namespace: ci}
            spec: {template: {spec: {containers: [{name: e, image: example.com/exporter:1}]} } }
            ---
            kind: Pod
            metadata: {name: lone, namespace: ci}
            spec: {containers: [{name: c, image: nginx}]}
            """);

        Assert.Equal(3, report.Input.Workloads);
        var workload = Assert.Single(report.Workloads);
        Assert.Equal("Deployment ci/runner", workload.Subject.ToString());
        Assert.Equal(Severity.Blocker, workload.Severity);
        Assert.Equal([Severity.Blocker, Severity.Action], workload.Findings.Select(f => f.Severity));
        Assert.Equal(4, workload.Findings[0].Occurrences);
        Assert.Equal("3 workloads, 1 flagged: 1 blocker, 0 actions, 0 info", FindingText.WorkloadLine(report));
    }

    [Fact]
    public void Analyze_EveryContainerKind_IsInspected()
    {
        var report = Fixture.AnalyzeText("""
            kind: Pod
            metadata: {name: app, namespace: web}
            spec:
              initContainers:
              - name: wait-docker
                image: busybox
                volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
              containers: [{name: app, image: nginx}]
              ephemeralContainers:
              - name: debugger-x7k2p
                image: nvcr.io/nvidia/cuda:12.2.0-base-ubuntu22.04
                env: [{name: NVIDIA_VISIBLE_DEVICES, value: all}]
              volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]
            """);

        AssertFinding(report, FindingKind.DockerSocket, Severity.Blocker, "Pod web/app", "init container wait-docker mounts hostPath /var/run/docker.sock");
        AssertFinding(report, FindingKind.NvidiaDocker, Severity.Action, "Pod web/app", "ephemeral container debugger-x7k2p sets NVIDIA_VISIBLE_DEVICES=all");
    }

    [Fact]
    public void Analyze_ProseAndLastAppliedMentioningDocker_AreNotEvidence()
    {
        var report = Fixture.AnalyzeText("""
            kind: Deployment
            metadata:
              name: web
              namespace: web
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"template":{"spec":{"volumes":[{"hostPath":{"path":"/var/run/docker.sock"}}]}}}}'
            spec:
              template:
                metadata:
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: '{"metadata":{"annotations":{"nvidia-docker/volumes":"x"}}}'
                spec:
                  containers:
                  - name: web
                    image: example.com/web:1
                    env:
                    - {name: NOTES, value: "We no longer mount /var/run/docker.sock or read /var/lib/docker/containers"}
                    - {name: RUNBOOK, value: "https://wiki.example.com/var/run/docker.sock"}
                    - {name: DESCRIPTION, value: "Migrated off docker.sock in 2023"}
            """);

        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Analyze_EnvValueThatIsADockerPath_IsEvidence()
    {
        var report = Fixture.AnalyzeText("""
            kind: DaemonSet
            metadata: {name: shipper, namespace: logging}
            spec:
              template:
                spec:
                  containers:
                  - name: shipper
                    image: example.com/shipper:1
                    env:
                    - {name: LOG_PATHS, value: "/var/log/pods/*/*/*.log,/var/lib/docker/containers/*/*.log"}
                    - {name: CONTAINER_SOCKET, value: /host/run/docker.sock}
                    volumeMounts: [{name: run, mountPath: /host/run}]
                  volumes: [{name: run, hostPath: {path: /var/run}}]
            """);

        AssertFinding(report, FindingKind.DockerLogFormat, Severity.Action, "DaemonSet logging/shipper", "configured to read /var/lib/docker/containers");
        AssertFinding(report, FindingKind.DockerSocket, Severity.Blocker, "DaemonSet logging/shipper", "the node's /var/run/docker.sock");
    }

    [Fact]
    public void Analyze_DockerHostOnEmptyDirSharedWithDind_IsDinDAction()
    {
        var report = Fixture.AnalyzeText("""
            kind: Pod
            metadata: {name: build, namespace: ci}
            spec:
              containers:
              - name: dind
                image: docker:24-dind
                securityContext: {privileged: true}
                volumeMounts: [{name: dind-sock, mountPath: /var/run}]
              - name: job
                image: example.com/builder:1
                env: [{name: DOCKER_HOST, value: "unix:///var/run/docker.sock"}]
                volumeMounts: [{name: dind-sock, mountPath: /var/run}]
              volumes: [{name: dind-sock, emptyDir: {}}]
            """);

        AssertFinding(report, FindingKind.DockerInDocker, Severity.Action, "Pod ci/build", "emptyDir volume dind-sock shared with container dind (Docker-in-Docker)");
        Assert.DoesNotContain(report.Findings, f => f.Severity == Severity.Blocker);
        Assert.Equal(Verdict.NeedsChanges, report.Verdict);
    }

    [Fact]
    public void Analyze_DockerHostThroughHostPathOfVarRun_IsTheNodesDocker()
    {
        var report = Fixture.AnalyzeText("""
            kind: Pod
            metadata: {name: build, namespace: ci}
            spec:
              containers:
              - name: job
                image: example.com/builder:1
                env: [{name: DOCKER_HOST, value: "unix:///var/run/docker.sock"}]
                volumeMounts: [{name: run, mountPath: /var/run}]
              volumes: [{name: run, hostPath: {path: /var/run}}]
            """);

        AssertFinding(report, FindingKind.DockerSocket, Severity.Blocker, "Pod ci/build", "the node's /var/run/docker.sock through hostPath /var/run");
        Assert.DoesNotContain(report.Findings, f => f.Evidence.Contains("verify", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_ParentDirectoryHostPathAlone_IsActionToVerifyWithTheDecidingEvidence()
    {
        var report = Fixture.AnalyzeText("""
            kind: Pod
            metadata: {name: agent, namespace: ops}
            spec:
              containers:
              - name: agent
                image: example.com/agent:1
                volumeMounts: [{name: run, mountPath: /host/run}]
              volumes: [{name: run, hostPath: {path: /run}}]
            """);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(Severity.Action, finding.Severity);
        Assert.Contains("verify: a process opening /host/run/docker.sock makes this a blocker", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ImageCleanupJob_GetsTheKubeletImageGcAdvice()
    {
        var report = Fixture.AnalyzeText($$"""
            kind: CronJob
            metadata: {name: docker-gc, namespace: ops}
            spec: {jobTemplate: {spec: {template: {spec: {{SocketSpec}} } } } }
            """);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(Severity.Blocker, finding.Severity);
        Assert.Contains("image garbage collection", finding.Advice, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cr.fluentbit.io/fluent/fluent-bit:2.2", "multiline.parser cri")]
    [InlineData("grafana/promtail:2.9.2", "cri: {}")]
    [InlineData("docker.elastic.co/beats/filebeat:8.11.1", "type: container")]
    [InlineData("example.com/own-agent:1", "Fluent Bit multiline.parser cri, Fluentd")]
    public void Analyze_LogAgent_GetsItsOwnParserSetting(string image, string advice)
    {
        var report = Fixture.AnalyzeText($$"""
            kind: DaemonSet
            metadata: {name: logs, namespace: logging}
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: {{image}}
                    volumeMounts: [{name: c, mountPath: /var/lib/docker/containers}]
                  volumes: [{name: c, hostPath: {path: /var/lib/docker/containers} }]
            """);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(Severity.Action, finding.Severity);
        Assert.Contains(advice, finding.Advice, StringComparison.Ordinal);
    }
}
