using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Real kubectl attach -i, over SPDY and WebSocket, through a fake API server proxying like the kubelet, to a
/// stdin-once container: the line kubectl sends comes back and its end of input ends the container.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class KubectlAttachTests(ContainerPodFixture pod)
{
    [SkippableTheory]
    [InlineData("kubectl.1.27", false)]
    [InlineData("kubectl.1.33", false)]
    [InlineData("kubectl.1.33", true)]
    public async Task AttachStdinOnce_LineThenEndOfInput_EchoesAndEndsTheContainer(string binary, bool webSocket)
    {
        var path = Kubectl.Find(binary);
        Skip.If(path is null, $"no {binary} on PATH or in the Google Cloud SDK");
        var config = ContainerPodFixture.Config("kubectl-attach-once", "sh", "-c", "read line; echo got:$line");
        config.Stdin = true;
        config.StdinOnce = true;
        var id = await pod.CreateAsync(config);
        try
        {
            await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            await using var server = FakeApiServer.Start(call => KubeletStreaming.UrlAsync(pod.Runtime, pod.PodId, id, call));
            using var kubectl = new Kubectl(path!, server.BaseUri);
            var environment = new Dictionary<string, string> { ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = webSocket ? "true" : "false" };

            var result = await kubectl.RunAsync(environment, "once\n"u8.ToArray(), "attach", "-i", "web");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("got:once\n", result.StdoutText);
            Assert.Equal([webSocket ? "websocket" : "SPDY/3.1"], server.Upgrades);
            Assert.Equal(0, (await pod.WaitForExitAsync(id)).ExitCode);
        }
        finally
        {
            await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }
}
