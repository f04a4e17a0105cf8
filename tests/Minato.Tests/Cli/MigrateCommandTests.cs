using System.CommandLine;
using System.Text;
using System.Text.Json;
using Minato.Cli;
using Minato.Tests.Migrate;

namespace Minato.Tests.Cli;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Invoke_BlockingInput_ExitsOneWithTextReport()
    {
        var (exit, output, _) = await InvokeAsync(Fixture.Path("pods.yaml"));

        Assert.Equal(MigrateCommand.ExitBlocked, exit);
        Assert.StartsWith("Docker removal readiness: BLOCKED", output, StringComparison.Ordinal);
        Assert.Contains("7 workloads, 6 flagged: 2 blockers, 3 actions, 1 info", output, StringComparison.Ordinal);
        Assert.Contains("BLOCKERS (2)", output, StringComparison.Ordinal);
        Assert.Contains("ACTIONS (3)", output, StringComparison.Ordinal);
        Assert.Contains("INFORMATION (1)", output, StringComparison.Ordinal);
        Assert.Contains("  Pod ci/socket-user at ", output, StringComparison.Ordinal);
        Assert.Contains("    - blocker Docker socket and data directories: container agent mounts hostPath", output, StringComparison.Ordinal);
        Assert.Contains("What to do", output, StringComparison.Ordinal);
        Assert.Contains("blocked       ci: 3 workloads, 2 blockers, 1 action, 0 info", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_CleanInput_ExitsZero()
    {
        var (exit, output, _) = await InvokeAsync(Fixture.Path("clean.yaml"));

        Assert.Equal(MigrateCommand.ExitReady, exit);
        Assert.Contains("Ready: nothing here depends on Docker.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ActionsOnly_ExitsZero()
    {
        var (exit, output, _) = await InvokeAsync(Fixture.Path("warnings-only.yaml"), "-o", "markdown");

        Assert.Equal(MigrateCommand.ExitReady, exit);
        Assert.Contains("## Actions (1)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("## Blockers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_DirectoryAndFile_ReadsBoth()
    {
        var (exit, output, _) = await InvokeAsync(Fixture.Path("manifests"), Fixture.Path("clean.yaml"), "-o", "json");

        Assert.Equal(MigrateCommand.ExitBlocked, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("input").GetProperty("sources").GetInt32());
        Assert.Equal("docker-agent", json.RootElement.GetProperty("findings")[0].GetProperty("subject").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invoke_Json_WritesParsableReport()
    {
        var (exit, output, _) = await InvokeAsync("-o", "json", Fixture.Path("nodes-mixed.json"));

        Assert.Equal(MigrateCommand.ExitBlocked, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("Blocked", root.GetProperty("verdict").GetString());
        Assert.Equal(6, root.GetProperty("nodes").GetArrayLength());
        Assert.Equal(1, root.GetProperty("input").GetProperty("skippedKinds").GetProperty("Service").GetInt32());
        var first = root.GetProperty("findings")[0];
        Assert.Equal("DockerRuntimeNode", first.GetProperty("kind").GetString());
        Assert.Equal("Blocker", first.GetProperty("severity").GetString());
        Assert.Equal("node-old", first.GetProperty("subject").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invoke_Markdown_WritesTables()
    {
        var (_, output, _) = await InvokeAsync(Fixture.Path("pods.yaml"), "--output", "markdown");

        Assert.StartsWith("# Docker removal readiness: **blocked**", output, StringComparison.Ordinal);
        Assert.Contains("### Pod ci/socket-user (`", output, StringComparison.Ordinal);
        Assert.Contains("- **blocker** Docker socket and data directories: container agent mounts hostPath", output, StringComparison.Ordinal);
        Assert.Contains("> **What to do:**", output, StringComparison.Ordinal);
        Assert.Contains("| ci | blocked | 3 | 2 | 1 | 0 |", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("malformed.yaml", "malformed.yaml:8:12: invalid YAML")]
    [InlineData("malformed.json", "malformed.json:10:39: invalid JSON")]
    [InlineData("does-not-exist.yaml", "does-not-exist.yaml: no such file or directory")]
    public async Task Invoke_BadInput_ExitsTwoNamingFileLineAndColumn(string name, string message)
    {
        var (exit, _, error) = await InvokeAsync(Fixture.Path(name));

        Assert.Equal(MigrateCommand.ExitBadInput, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_DirectoryWithOneMalformedFile_ReportsEveryOtherFileThenExitsTwo()
    {
        var directory = Directory.CreateTempSubdirectory("minato-migrate-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "a-broken.yaml"), "kind: Pod\nmetadata: {name: x\nspec: [\n");
            File.WriteAllText(Path.Combine(directory.FullName, "b-agent.yaml"), """
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      containers: [{name: a, image: example.com/a:1, volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]}]
                      volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]
                """);

            var (exit, output, error) = await InvokeAsync(directory.FullName);

            Assert.Equal(MigrateCommand.ExitBadInput, exit);
            Assert.Contains("DaemonSet ops/agent", output, StringComparison.Ordinal);
            Assert.Contains("BLOCKERS (1)", output, StringComparison.Ordinal);
            Assert.Matches(@"a-broken\.yaml:\d+:\d+: invalid YAML", error);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Run_ManyBlockersAndInfos_CutsOnlyInformation()
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < 15; i++)
        {
            yaml.Append($"---\nkind: Pod\nmetadata: {{name: sock-{i:D2}, namespace: ci}}\nspec: {{containers: [{{name: a, image: x, ")
                .Append("volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]}], volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]}\n");
            yaml.Append($"---\nkind: Pod\nmetadata: {{name: gpu-{i:D2}, namespace: ml}}\nspec: {{runtimeClassName: nvidia, containers: [{{name: a, image: x}}]}}\n");
        }

        var bytes = Encoding.UTF8.GetBytes(yaml.ToString());
        var result = Run(new MigrateRequest(["-"], "text"), new StdinSource(() => new MemoryStream(bytes), IsRedirected: true));

        Assert.Equal(MigrateCommand.ExitBlocked, result.Exit);
        Assert.Contains("30 workloads, 30 flagged: 15 blockers, 0 actions, 15 info", result.Output, StringComparison.Ordinal);
        for (var i = 0; i < 15; i++)
        {
            Assert.Contains($"Pod ci/sock-{i:D2}", result.Output, StringComparison.Ordinal);
        }

        Assert.Contains("… and 5 more (-o json lists all)", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, result.Output.Split("… and").Length - 1);
    }

    [Fact]
    public async Task Invoke_UnknownFormat_ExitsTwo()
    {
        var (exit, _, error) = await InvokeAsync("-o", "xml", Fixture.Path("clean.yaml"));

        Assert.Equal(MigrateCommand.ExitBadInput, exit);
        Assert.Contains("unknown output format 'xml'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Stdin_ReadsDashAndRedirectedStdin()
    {
        var yaml = File.ReadAllBytes(Fixture.Path("clean.yaml"));
        var stdin = new StdinSource(() => new MemoryStream(yaml), IsRedirected: true);

        var withDash = Run(new MigrateRequest(["-"], "text"), stdin);
        var withoutPaths = Run(new MigrateRequest([], "text"), stdin);

        Assert.Equal(MigrateCommand.ExitReady, withDash.Exit);
        Assert.Equal(MigrateCommand.ExitReady, withoutPaths.Exit);
        Assert.Contains("Read 1 input, 2 objects", withDash.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoPathsAndTerminalStdin_ExitsTwo()
    {
        var result = Run(new MigrateRequest([], "text"), new StdinSource(() => Stream.Null, IsRedirected: false));

        Assert.Equal(MigrateCommand.ExitBadInput, result.Exit);
        Assert.Contains("no input", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EmptyStdin_ExitsTwo()
    {
        var result = Run(new MigrateRequest(["-"], "json"), new StdinSource(() => new MemoryStream(), IsRedirected: true));

        Assert.Equal(MigrateCommand.ExitBadInput, result.Exit);
        Assert.Contains("no Kubernetes objects", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_NodeOnDockershimFixture_PrintsVerdictPlanAndDiffAndExitsOne()
    {
        using var node = new FakeNode();
        node.Write("/etc/hostname", "worker-3\n");
        node.Write("/var/lib/kubelet/kubeadm-flags.env", "KUBELET_KUBEADM_ARGS=\"--container-runtime=docker\"\n");

        var (exit, output, _) = await InvokeAsync("node", "--root", node.Root);

        Assert.Equal(MigrateCommand.ExitBlocked, exit);
        Assert.Contains("Node worker-3 (files under ", output, StringComparison.Ordinal);
        Assert.Contains("BLOCKED", output, StringComparison.Ordinal);
        Assert.Contains("  1. kubectl drain worker-3 --ignore-daemonsets", output, StringComparison.Ordinal);
        Assert.Contains("+KUBELET_KUBEADM_ARGS=\"--container-runtime=remote --container-runtime-endpoint=unix:///run/minato/minato.sock\"", output, StringComparison.Ordinal);
        Assert.Equal("KUBELET_KUBEADM_ARGS=\"--container-runtime=docker\"\n", File.ReadAllText(node.Path("/var/lib/kubelet/kubeadm-flags.env")));
    }

    [Fact]
    public async Task Invoke_NodeApplyOnDrainedFixture_EditsWithBackupAndExitsZero()
    {
        using var node = new FakeNode();
        node.Write("/var/lib/kubelet/kubeadm-flags.env", "KUBELET_KUBEADM_ARGS=\"--container-runtime=docker\"\n");
        node.Write("/etc/minato/minato.toml", "listen = \"unix:///run/minato/cri.sock\"\n");

        var (exit, output, error) = await InvokeAsync("node", "--root", node.Root, "--apply");

        Assert.True(exit == MigrateCommand.ExitReady, error);
        Assert.Contains("--apply: changed /var/lib/kubelet/kubeadm-flags.env", output, StringComparison.Ordinal);
        Assert.Equal(
            "KUBELET_KUBEADM_ARGS=\"--container-runtime=remote --container-runtime-endpoint=unix:///run/minato/cri.sock\"\n",
            File.ReadAllText(node.Path("/var/lib/kubelet/kubeadm-flags.env")));
        Assert.True(File.Exists(node.Path("/var/lib/kubelet/kubeadm-flags.env") + ".minato-backup"));
    }

    [Fact]
    public async Task Invoke_NodeWithMissingRoot_ExitsTwo()
    {
        var (exit, _, error) = await InvokeAsync("node", "--root", "/nonexistent-minato-root");

        Assert.Equal(MigrateCommand.ExitBadInput, exit);
        Assert.Contains("--root /nonexistent-minato-root: no such directory", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { MigrateCommand.Create() };
        var exit = await root.Parse(["migrate", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static (int Exit, string Output, string Error) Run(MigrateRequest request, StdinSource stdin)
    {
        var output = new StringWriter(new StringBuilder());
        var error = new StringWriter();
        var exit = MigrateCommand.Run(request, stdin, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
