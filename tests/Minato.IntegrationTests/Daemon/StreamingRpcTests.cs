using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>The streaming RPCs' request checks on a real daemon with no pods or containers: each bad request fails
/// at the RPC with the CRI's code, before any URL is handed out.</summary>
public sealed class StreamingRpcTests
{
    [Fact]
    public async Task StreamingRpcs_UnknownContainerOrPodAndBrokenRules_AnswerTheirCodesAndDaemonStillServes()
    {
        await using var daemon = await MinatoDaemon.StartAsync();

        var exec = await CodeAsync(() => daemon.Runtime.ExecAsync(new ExecRequest { ContainerId = "c", Cmd = { "sh" }, Stdout = true }).ResponseAsync);
        var attach = await CodeAsync(() => daemon.Runtime.AttachAsync(new AttachRequest { ContainerId = "c", Stdout = true }).ResponseAsync);
        var forward = await CodeAsync(() => daemon.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = "p", Port = { 80 } }).ResponseAsync);
        var ttyAndStderr = await CodeAsync(() => daemon.Runtime.ExecAsync(new ExecRequest { ContainerId = "c", Cmd = { "sh" }, Tty = true, Stderr = true }).ResponseAsync);
        var noCommand = await CodeAsync(() => daemon.Runtime.ExecAsync(new ExecRequest { ContainerId = "c", Stdout = true }).ResponseAsync);
        var noStream = await CodeAsync(() => daemon.Runtime.ExecAsync(new ExecRequest { ContainerId = "c", Cmd = { "sh" } }).ResponseAsync);
        var badPort = await CodeAsync(() => daemon.Runtime.PortForwardAsync(new PortForwardRequest { PodSandboxId = "p", Port = { 70000 } }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, exec);
        Assert.Equal(StatusCode.NotFound, attach);
        Assert.Equal(StatusCode.NotFound, forward);
        Assert.Equal(StatusCode.InvalidArgument, ttyAndStderr);
        Assert.Equal(StatusCode.InvalidArgument, noCommand);
        Assert.Equal(StatusCode.InvalidArgument, noStream);
        Assert.Equal(StatusCode.InvalidArgument, badPort);
        Assert.Equal("minato", (await daemon.Runtime.VersionAsync(new VersionRequest())).RuntimeName);
    }

    private static async Task<StatusCode> CodeAsync<T>(Func<Task<T>> call) =>
        (await Assert.ThrowsAsync<RpcException>(call)).StatusCode;
}
