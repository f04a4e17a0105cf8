using System.Globalization;
using System.Text;

namespace Minato.Bench.Migrate;

/// <summary>
/// Writes a synthetic <c>kubectl get nodes,pods,... -A</c> dump of a given size, as JSON or YAML, shaped
/// like a real one: pods owned by ReplicaSets and DaemonSets, a node per 30 pods, one pod in 20 with a
/// Docker dependency, so the rules do real work and the findings merge.
/// </summary>
internal sealed class ClusterDumpGenerator(int pods)
{
    private const int PodsPerNode = 30;
    private const int Namespaces = 40;

    public int Nodes => Math.Max(1, pods / PodsPerNode);

    public void WriteJson(TextWriter output)
    {
        output.Write("{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n");
        var first = true;
        foreach (var item in Items())
        {
            output.Write(first ? "" : ",\n");
            first = false;
            output.Write(item.Json);
        }

        output.Write("\n  ],\n  \"kind\": \"List\",\n  \"metadata\": {\n    \"resourceVersion\": \"\"\n  }\n}\n");
    }

    public void WriteYaml(TextWriter output)
    {
        output.Write("apiVersion: v1\nitems:\n");
        foreach (var item in Items())
        {
            output.Write(item.Yaml);
        }

        output.Write("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    }

    private IEnumerable<(string Json, string Yaml)> Items()
    {
        for (var n = 0; n < Nodes; n++)
        {
            var runtime = n % 4 == 0 ? "docker://20.10.24" : "containerd://1.7.13";
            var kubelet = n % 4 == 0 ? "v1.23.17" : "v1.29.2";
            yield return Node($"node-{n:D5}", runtime, kubelet);
        }

        for (var p = 0; p < pods; p++)
        {
            yield return Pod(p);
        }
    }

    private static (string, string) Node(string name, string runtime, string kubelet) => (
        $$$"""
            {
              "apiVersion": "v1", "kind": "Node",
              "metadata": {"name": "{{{name}}}", "labels": {"kubernetes.io/os": "linux", "kubernetes.io/hostname": "{{{name}}}"}},
              "spec": {"providerID": "aws:///eu-west-1a/i-{{{name}}}"},
              "status": {"nodeInfo": {"containerRuntimeVersion": "{{{runtime}}}", "kubeletVersion": "{{{kubelet}}}",
                "osImage": "Ubuntu 22.04.3 LTS", "kernelVersion": "5.15.0-1051-aws", "architecture": "amd64"}}
            }
        """,
        $"""
        - apiVersion: v1
          kind: Node
          metadata:
            name: {name}
            labels:
              kubernetes.io/os: linux
              kubernetes.io/hostname: {name}
          spec:
            providerID: aws:///eu-west-1a/i-{name}
          status:
            nodeInfo:
              containerRuntimeVersion: {runtime}
              kubeletVersion: {kubelet}
              osImage: Ubuntu 22.04.3 LTS

        """);

    private (string, string) Pod(int p)
    {
        var ns = $"team-{p % Namespaces:D2}";
        var app = $"app-{p % 250:D3}";
        var (ownerKind, owner) = p % 10 == 0 ? ("DaemonSet", "node-agent") : ("ReplicaSet", $"{app}-7d9f8c6b5");
        var name = $"{owner}-{p.ToString("x5", CultureInfo.InvariantCulture)}";
        var dockerSocket = p % 20 == 0;
        var hostPath = dockerSocket ? "/var/run/docker.sock" : "/var/log";
        var image = p % 50 == 0 ? "docker:24.0.7-dind" : $"registry.example.com/{app}:1.{p % 7}.0";
        var node = $"node-{p % Nodes:D5}";
        return (PodJson(ns, name, ownerKind, owner, image, hostPath, node), PodYaml(ns, name, ownerKind, owner, image, hostPath, node));
    }

    private static string PodJson(string ns, string name, string ownerKind, string owner, string image, string hostPath, string node) =>
        $$$"""
            {
              "apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}", "labels": {"app": "{{{owner}}}", "tier": "backend"},
                "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "{{{ownerKind}}}", "name": "{{{owner}}}", "controller": true, "uid": "0b7c9c1e-2f0a-4c1a-9d55-3f6d1b6f2a11"}]},
              "spec": {"nodeName": "{{{node}}}", "serviceAccountName": "default",
                "containers": [{"name": "main", "image": "{{{image}}}", "args": ["--port=8080", "--log-level=info"],
                  "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"} } }, {"name": "MODE", "value": "production"}],
                  "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                  "volumeMounts": [{"name": "host", "mountPath": "/host"}, {"name": "config", "mountPath": "/etc/app"}]}],
                "volumes": [{"name": "host", "hostPath": {"path": "{{{hostPath}}}"}}, {"name": "config", "configMap": {"name": "app-config"}}]},
              "status": {"phase": "Running", "podIP": "10.0.1.2", "hostIP": "10.0.0.3",
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}]}
            }
        """;

    private static string PodYaml(string ns, string name, string ownerKind, string owner, string image, string hostPath, string node)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            - apiVersion: v1
              kind: Pod
              metadata:
                name: {name}
                namespace: {ns}
                labels:
                  app: {owner}
                  tier: backend
                annotations:
                  prometheus.io/scrape: "true"
                ownerReferences:
                - apiVersion: apps/v1
                  kind: {ownerKind}
                  name: {owner}
                  controller: true
              spec:
                nodeName: {node}
                containers:
                - name: main
                  image: {image}
                  args: ["--port=8080", "--log-level=info"]
                  env:
                  - name: MODE
                    value: production
                  resources:
                    requests: {"{"}cpu: 100m, memory: 128Mi{"}"}
                  volumeMounts:
                  - name: host
                    mountPath: /host
                volumes:
                - name: host
                  hostPath:
                    path: {hostPath}
              status:
                phase: Running

            """);
        return yaml.ToString();
    }
}
