using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>The real daemon process answering CRI calls from a real gRPC client over its Unix socket.</summary>
public sealed class DaemonRpcTests : IAsyncLifetime
{
    private MinatoDaemon _daemon = null!;
    private string _cniDir = null!;

    public async Task InitializeAsync()
    {
        _cniDir = Directory.CreateTempSubdirectory("minato-it-cni-").FullName;
        _daemon = await MinatoDaemon.StartAsync("--cni-config-dir", _cniDir);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        Directory.Delete(_cniDir, recursive: true);
    }

    [Fact]
    public async Task Version_RealClient_ReportsMinatoAndApiV1()
    {
        var response = await _daemon.Runtime.VersionAsync(new VersionRequest { Version = "0.1.0" });

        Assert.Equal("minato", response.RuntimeName);
        Assert.Equal("v1", response.RuntimeApiVersion);
        Assert.Matches(@"^\d+\.\d+\.\d+", response.RuntimeVersion);
        Assert.Equal("0.1.0", response.Version);
    }

    [Fact]
    public async Task Status_NoCniConfig_NetworkReadyFalseWithReasonAndMessage()
    {
        var response = await _daemon.Runtime.StatusAsync(new StatusRequest());

        var runtime = Assert.Single(response.Status.Conditions, c => c.Type == "RuntimeReady");
        var network = Assert.Single(response.Status.Conditions, c => c.Type == "NetworkReady");
        Assert.True(runtime.Status, runtime.Message);
        Assert.False(network.Status);
        Assert.Equal("NetworkPluginNotReady", network.Reason);
        Assert.Contains(_cniDir, network.Message, StringComparison.Ordinal);
        Assert.Empty(response.Info);
    }

    [Fact]
    public async Task Status_BridgeConflistAppearsAfterStart_NetworkBecomesReady()
    {
        await File.WriteAllTextAsync(Path.Combine(_cniDir, "10-test.conflist"), """
            {"cniVersion":"1.0.0","name":"minato-it","plugins":[
              {"type":"bridge","bridge":"mnt-it0","isGateway":true,"ipMasq":false,
               "ipam":{"type":"host-local","ranges":[[{"subnet":"10.233.250.0/24"}]]}},
              {"type":"portmap","capabilities":{"portMappings":true}}]}
            """);

        var response = await _daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });

        var network = Assert.Single(response.Status.Conditions, c => c.Type == "NetworkReady");
        Assert.True(network.Status, network.Message);
        using var info = JsonDocument.Parse(response.Info["network"]);
        Assert.Equal("minato-it", info.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Status_Verbose_InfoHoldsTheEffectiveConfigAsJson()
    {
        var response = await _daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });

        using var config = JsonDocument.Parse(response.Info["config"]);
        Assert.Equal(_daemon.Root, config.RootElement.GetProperty("root").GetString());
        Assert.Equal(_daemon.State, config.RootElement.GetProperty("state").GetString());
        Assert.Equal(_daemon.Endpoint, config.RootElement.GetProperty("listen").GetString());
        Assert.Equal(_cniDir, config.RootElement.GetProperty("cni_config_dir").GetString());
        Assert.Equal("debug", config.RootElement.GetProperty("log_level").GetString());
        Assert.Equal(
            Path.Combine(_daemon.State, "runtimes", "runc"),
            config.RootElement.GetProperty("runtimes").GetProperty("runc").GetProperty("root").GetString());
        using var runtime = JsonDocument.Parse(response.Info["runtime"]);
        Assert.Equal(_daemon.ProcessId, runtime.RootElement.GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task RuntimeConfig_DefaultConfig_ReportsCgroupfsDriver()
    {
        var response = await _daemon.Runtime.RuntimeConfigAsync(new RuntimeConfigRequest());

        Assert.Equal(CgroupDriver.Cgroupfs, response.Linux.CgroupDriver);
    }

    /// <summary>
    /// Every RPC of every service in the CRI proto, taken from its descriptor (so an RPC added to the proto is called
    /// too), with an empty request as raw bytes: whatever each answers (OK, InvalidArgument, NotFound, a deadline for a
    /// stream that stays open), it is never UNIMPLEMENTED, which is what an RPC without an override answers.
    /// </summary>
    [Fact]
    public async Task EveryCriRpc_EmptyRequest_NeverAnswersUnimplemented()
    {
        using var channel = CriChannel.ForUnixSocket(_daemon.SocketPath);
        var invoker = channel.CreateCallInvoker();
        var raw = Marshallers.Create(bytes => bytes, bytes => bytes);
        var answers = new List<string>();
        foreach (var service in ApiReflection.Descriptor.Services)
        {
            foreach (var rpc in service.Methods)
            {
                Assert.False(rpc.IsClientStreaming, $"{rpc.FullName} streams requests; this test does not call such RPCs yet");
                var method = new Method<byte[], byte[]>(
                    rpc.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary, service.FullName, rpc.Name, raw, raw);
                answers.Add($"{service.Name}/{rpc.Name}: {await CallAsync(invoker, method)}");
            }
        }

        Assert.Equal(41, answers.Count);
        Assert.Contains("RuntimeService/UpdateRuntimeConfig: OK", answers);
        Assert.Contains("ImageService/ImageFsInfo: OK", answers);
        Assert.DoesNotContain(answers, a => a.EndsWith(": Unimplemented", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_RuntimeHandlers_EveryConfiguredHandlerAndTheDefaultUnderTheEmptyName()
    {
        var response = await _daemon.Runtime.StatusAsync(new StatusRequest());

        Assert.Equal(["crun", "runc", ""], response.RuntimeHandlers.Select(h => h.Name));
        var rro = new[] { await MakesRecursiveReadOnlyAsync("crun"), await MakesRecursiveReadOnlyAsync("runc") };
        Assert.Equal([rro[0], rro[1], rro[1]], response.RuntimeHandlers.Select(h => h.Features.RecursiveReadOnlyMounts));
        var userns = new[] { await RunsUserNamespacesAsync("crun"), await RunsUserNamespacesAsync("runc") };
        Assert.Equal([userns[0], userns[1], userns[1]], response.RuntimeHandlers.Select(h => h.Features.UserNamespaces));
        Assert.True(response.Features.SupplementalGroupsPolicy);
        Assert.False(response.Features.UserNamespacesHostNetwork);
    }

    /// <summary>Asked of the binary itself, as the daemon does: <c>features</c> lists <c>rro</c>, and the kernel has
    /// mount_setattr (5.12). On this machine runc 1.1.5 does and crun 1.8.1 has no <c>features</c> command.</summary>
    private static async Task<bool> MakesRecursiveReadOnlyAsync(string runtime)
    {
        var result = await CommandResult.RunAsync(runtime, ["features"], TimeSpan.FromSeconds(10));
        return result.ExitCode == 0 && result.Stdout.Contains("\"rro\"", StringComparison.Ordinal) && Kernel() >= new Version(5, 12);
    }

    /// <summary>As the daemon decides it: <c>features</c> lists the <c>user</c> namespace, the kernel is 6.3 or later and
    /// util-linux <c>unshare</c> is installed. On this machine runc 1.1.5 does and crun 1.8.1 has no <c>features</c>.</summary>
    private static async Task<bool> RunsUserNamespacesAsync(string runtime)
    {
        var result = await CommandResult.RunAsync(runtime, ["features"], TimeSpan.FromSeconds(10));
        return result.ExitCode == 0 && result.Stdout.Contains("\"user\"", StringComparison.Ordinal) && Kernel() >= new Version(6, 3) &&
            (File.Exists("/usr/bin/unshare") || File.Exists("/bin/unshare"));
    }

    private static Version Kernel()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Split('.');
        return new Version(int.Parse(release[0], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(new string(release[1].TakeWhile(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Calls_AtDebugLevel_AreLoggedWithRpcStatusAndDuration()
    {
        await _daemon.Runtime.VersionAsync(new VersionRequest());

        Assert.Matches(@"/runtime\.v1\.RuntimeService/Version OK in \d+\.\d{3} ms", _daemon.Output);
    }

    [Fact]
    public void Socket_IsCreatedWithMode0660()
    {
        var mode = File.GetUnixFileMode(_daemon.SocketPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    private static async Task<StatusCode> CallAsync(CallInvoker invoker, Method<byte[], byte[]> method)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5));
        try
        {
            if (method.Type == MethodType.ServerStreaming)
            {
                using var call = invoker.AsyncServerStreamingCall(method, null, options, []);
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            }
            else
            {
                await invoker.AsyncUnaryCall(method, null, options, []);
            }

            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
