using System.Diagnostics;
using System.Net.WebSockets;
using Minato.Testing.Streaming;

namespace Minato.Tests.Streaming;

/// <summary>Runs alone: it counts the test process's threads and descriptors, which tests in parallel would change under it.</summary>
[CollectionDefinition(nameof(StreamingSoakTests), DisableParallelization = true)]
public sealed class StreamingSoakGroup;

[Collection(nameof(StreamingSoakTests))]
public sealed class StreamingSoakTests
{
    private const int Cycles = 1000;

    [Fact]
    public async Task Sessions_ThousandCycles_LeaveDescriptorsThreadsAndMemoryFlat()
    {
        await using var server = await StreamingServerFixture.StartAsync();
        await CycleAsync(server, 50);
        var (fds, threads, memory) = Measure();

        await CycleAsync(server, Cycles);
        await Task.Delay(500);
        var (fdsAfter, threadsAfter, memoryAfter) = Measure();

        Assert.Equal(0, server.Core.Active);
        // A leak per session would add thousands over 3,000 sessions; the margin absorbs what earlier tests' sockets,
        // timers and finalizers open or close meanwhile (CI once saw +20 descriptors with no session leaking).
        Assert.True(fdsAfter - fds < Cycles / 10, $"descriptors {fds} -> {fdsAfter}");
        // The thread pool grows and shrinks with the load of the other test processes; a leaked thread per session would not.
        Assert.True(threadsAfter - threads < Cycles / 20, $"threads {threads} -> {threadsAfter}");
        Assert.True(memoryAfter - memory < 16 * 1024 * 1024, $"managed memory {memory} -> {memoryAfter}");
    }

    /// <summary>Each cycle is one SPDY exec echo, one WebSocket exec, and one SPDY port-forward.</summary>
    private static async Task CycleAsync(StreamingServerFixture server, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await using (var client = await SpdyTestClient.ConnectAsync(server.Exec(stderr: false, command: "echo"), ["v4.channel.k8s.io"]))
            {
                var error = await client.OpenStreamAsync("error");
                var stdin = await client.OpenStreamAsync("stdin");
                var stdout = await client.OpenStreamAsync("stdout");
                await stdin.WriteAsync("x", fin: true);
                Assert.Equal("x", await stdout.ReadTextToEndAsync());
                await error.ReadToEndAsync();
            }

            using (var socket = new ClientWebSocket())
            {
                socket.Options.AddSubProtocol("v5.channel.k8s.io");
                await socket.ConnectAsync(new UriBuilder(server.Exec(stdin: false, command: ["exit", "1"])) { Scheme = "ws" }.Uri, CancellationToken.None);
                await new WebSocketTestChannels(socket).ReadUntilCloseAsync();
            }

            await using (var client = await SpdyTestClient.ConnectAsync(server.PortForward(), ["portforward.k8s.io"]))
            {
                await client.OpenStreamAsync("error", ("port", "80"), ("requestid", "0"));
                var data = await client.OpenStreamAsync("data", ("port", "80"), ("requestid", "0"));
                await data.WriteAsync("y", fin: true);
                Assert.Equal("y", await data.ReadTextToEndAsync());
            }
        }
    }

    private static (int Fds, int Threads, long Memory) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (Directory.GetFiles("/proc/self/fd").Length, process.Threads.Count, GC.GetTotalMemory(forceFullCollection: true));
    }
}
