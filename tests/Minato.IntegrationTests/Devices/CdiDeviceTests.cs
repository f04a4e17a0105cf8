using System.Text.RegularExpressions;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Devices;

/// <summary>CDI devices through the real daemon and runc: specs the tests write expose harmless host nodes
/// (<c>/dev/zero</c>, <c>/dev/null</c>) under other names, with env, mount and hook edits, checked from inside the
/// container and on the host.</summary>
public sealed class CdiDeviceTests(CdiNodeFixture fixture) : IClassFixture<CdiNodeFixture>
{
    [Fact]
    public async Task CreateContainer_CdiDeviceFromJsonSpec_ContainerSeesNodeEnvAndMountAndHooksRun()
    {
        var mounted = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "mounted"));
        await File.WriteAllTextAsync(Path.Combine(mounted.FullName, "marker"), "cdi-mount-ok\n");
        var hooks = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "hooks")).FullName;
        fixture.WriteSpec("json-test.json", $$"""
            {
              "cdiVersion": "0.6.0",
              "kind": "example.com/json",
              "containerEdits": {
                "env": ["CDI_COMMON=spec"],
                "hooks": [{ "hookName": "createRuntime", "path": "/bin/sh", "args": ["sh", "-c", "cat > {{hooks}}/createRuntime"] }]
              },
              "devices": [{
                "name": "dev0",
                "containerEdits": {
                  "env": ["CDI_DEVICE=dev0"],
                  "deviceNodes": [{ "path": "/dev/minato-test0", "hostPath": "/dev/zero", "permissions": "rw" }],
                  "mounts": [{ "hostPath": "{{mounted.FullName}}", "containerPath": "/cdi-mount", "type": "bind", "options": ["rbind", "ro"] }],
                  "hooks": [
                    { "hookName": "createContainer", "path": "/bin/sh", "args": ["sh", "-c", "echo created > {{hooks}}/createContainer"] },
                    { "hookName": "poststop", "path": "/bin/sh", "args": ["sh", "-c", "echo stopped > {{hooks}}/poststop"], "timeout": 10 }
                  ]
                }
              }]
            }
            """);
        var config = ContainerPodFixture.Config("cdi-json", "sh", "-c",
            "ls -l /dev/minato-test0; echo read=$(head -c 3 /dev/minato-test0 | wc -c); echo env=$CDI_DEVICE,$CDI_COMMON; " +
            "cat /cdi-mount/marker; touch /cdi-mount/new && echo mount=writable || echo mount=readonly");
        config.CDIDevices.Add(new CDIDevice { Name = "example.com/json=dev0" });

        var (id, run) = await fixture.RunToExitAsync(config);

        var stdout = string.Join('\n', run.Stdout);
        Assert.True(run.Status.ExitCode == 0, stdout + string.Join('\n', run.Lines("stderr")));
        Assert.Matches(new Regex(@"^crw-rw-rw-\s+1 root\s+root\s+1,\s+5 .*/dev/minato-test0$", RegexOptions.Multiline), stdout);
        Assert.Contains("read=3", run.Stdout);
        Assert.Contains("env=dev0,spec", run.Stdout);
        Assert.Contains("cdi-mount-ok", run.Stdout);
        Assert.Contains("mount=readonly", run.Stdout);
        Assert.Contains($"container {id}: CDI devices example.com/json=dev0", fixture.Node.Daemon.Output, StringComparison.Ordinal);
        Assert.Contains(fixture.Node.Daemon.State, await File.ReadAllTextAsync(Path.Combine(hooks, "createRuntime"))); // the OCI state on stdin
        Assert.Equal("created\n", await File.ReadAllTextAsync(Path.Combine(hooks, "createContainer")));
        Assert.False(File.Exists(Path.Combine(hooks, "poststop")));

        await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });

        Assert.Equal("stopped\n", await File.ReadAllTextAsync(Path.Combine(hooks, "poststop")));
    }

    [Fact]
    public async Task CreateContainer_CdiAnnotationNamingADeviceOfAYamlSpec_ContainerSeesNodeAndEnv()
    {
        fixture.WriteSpec("yaml-test.yaml", """
            cdiVersion: 0.5.0
            kind: example.com/yaml
            devices:
              - name: y0
                containerEdits:
                  env: [CDI_YAML=y0]
                  deviceNodes:
                    - path: /dev/minato-test1
                      hostPath: /dev/null
                      type: c
                      major: 1
                      minor: 3
                      fileMode: 0600
            """);
        var config = ContainerPodFixture.Config("cdi-yaml", "sh", "-c", "ls -l /dev/minato-test1; echo env=$CDI_YAML; echo x > /dev/minato-test1 && echo write=ok");
        config.Annotations["cdi.k8s.io/test-plugin_y0"] = "example.com/yaml=y0";

        var (id, run) = await fixture.RunToExitAsync(config);
        await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });

        var stdout = string.Join('\n', run.Stdout);
        Assert.Matches(new Regex(@"^crw-------\s+1 root\s+root\s+1,\s+3 .*/dev/minato-test1$", RegexOptions.Multiline), stdout);
        Assert.Contains("env=y0", run.Stdout);
        Assert.Contains("write=ok", run.Stdout);
    }

    [Fact]
    public async Task CreateContainer_UnknownCdiDevice_IsInvalidArgumentAndLeavesNothing()
    {
        var before = fixture.Bundles();
        var config = ContainerPodFixture.Config("cdi-unknown", "true");
        config.CDIDevices.Add(new CDIDevice { Name = "example.com/nothing=dev0" });

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.CreateAsync(config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("CDI device example.com/nothing=dev0 is not defined", error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingLeftAsync("cdi-unknown", before);
    }

    [Fact]
    public async Task CreateContainer_CdiDeviceOfAMalformedSpec_IsInvalidArgumentNamingTheFile()
    {
        var before = fixture.Bundles();
        var path = fixture.WriteSpec("broken.json", """{"cdiVersion": "0.3.0", "kind": "example.com/broken", "devices": [""");
        var config = ContainerPodFixture.Config("cdi-broken", "true");
        config.CDIDevices.Add(new CDIDevice { Name = "example.com/broken=dev0" });

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.CreateAsync(config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("example.com/broken=dev0", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(path + ": not a CDI spec", error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingLeftAsync("cdi-broken", before);
        File.Delete(path);
    }

    [Fact]
    public async Task CreateContainer_CdiDeviceNodeMissingOnTheHost_IsInvalidArgumentNamingDeviceAndSpec()
    {
        var before = fixture.Bundles();
        var path = fixture.WriteSpec("missing.json", """
            {"cdiVersion":"0.3.0","kind":"example.com/missing","devices":[{"name":"gone","containerEdits":{"deviceNodes":[{"path":"/dev/minato-no-such-node"}]}}]}
            """);
        var config = ContainerPodFixture.Config("cdi-missing", "true");
        config.CDIDevices.Add(new CDIDevice { Name = "example.com/missing=gone" });

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.CreateAsync(config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"CDI device example.com/missing=gone (spec {path}): device node /dev/minato-no-such-node is missing", error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingLeftAsync("cdi-missing", before);
    }

    [Fact]
    public async Task CreateContainer_MalformedCdiAnnotation_IsInvalidArgumentNamingTheAnnotation()
    {
        var config = ContainerPodFixture.Config("cdi-bad-annotation", "true");
        config.Annotations["cdi.k8s.io/plugin"] = "gpu0";

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.CreateAsync(config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("annotation cdi.k8s.io/plugin: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPodSandbox_HandlerWithAnotherRuntimeBinary_ContainersRunThroughThatBinary()
    {
        var pod = fixture.Node.NewPod();
        var podId = (await fixture.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod, RuntimeHandler = "wrapped" })).PodSandboxId;
        try
        {
            var (_, run) = await fixture.RunToExitAsync(ContainerPodFixture.Config("wrapped", "echo", "hello from wrapped"), podId, pod);

            Assert.Contains("hello from wrapped", run.Stdout);
            var calls = await File.ReadAllLinesAsync(fixture.WrapperCalls);
            Assert.Contains(calls, c => Regex.IsMatch(c, @"/runtimes/wrapped .*\bcreate\b"));
            Assert.Contains(calls, c => Regex.IsMatch(c, @"/runtimes/wrapped .*\bstart\b"));
        }
        finally
        {
            await fixture.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        }
    }

    private async Task AssertNothingLeftAsync(string name, IReadOnlyList<string> bundlesBefore)
    {
        var containers = await fixture.Runtime.ListContainersAsync(new ListContainersRequest());
        Assert.DoesNotContain(containers.Containers, c => c.Metadata.Name == name);
        Assert.Equal(bundlesBefore.Order(), fixture.Bundles().Order());
    }
}
