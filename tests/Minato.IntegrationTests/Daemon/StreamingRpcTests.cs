using Grpc.Core;
using Minato.Cri.Api;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>The streaming RPCs on a real daemon built without an exec/attach/port-forward implementation.</summary>
public sealed class StreamingRpcTests
{
    [Fact]
    public async Task Exec_NoStreamingImplementation_AnswersUnimplementedAndDaemonStillServes()
    {
        await using var daemon = await MinatoDaemon.StartAsync();

        var exec = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.ExecAsync(new ExecRequest { ContainerId = "c", Cmd = { "sh" }, Stdout = true }));
        var forward = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = "p", Port = { 80 } }));

        Assert.Equal(StatusCode.Unimplemented, exec.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, forward.StatusCode);
        Assert.Equal("minato", (await daemon.Runtime.VersionAsync(new VersionRequest())).RuntimeName);
    }
}
