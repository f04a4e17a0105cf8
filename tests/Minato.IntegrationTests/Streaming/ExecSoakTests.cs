using System.Text;
using Minato.Cri.Streaming;
using Minato.Engine.Containers;
using Minato.Engine.Monitor;
using Minato.Engine.Oci;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Runs alone: it counts the test process's descriptors, which parallel tests would change under it.</summary>
[CollectionDefinition(nameof(ExecSoakTests), DisableParallelization = true)]
public sealed class ExecSoakGroup;

/// <summary>Many exec sessions in a row leave no descriptor, file or process behind.</summary>
[Collection(nameof(ExecSoakTests))]
public sealed class ExecSoakTests(RuncContainers containers) : IClassFixture<RuncContainers>, IAsyncLifetime
{
    private ContainerLaunch _container = null!;

    public async Task InitializeAsync() => _container = await containers.StartAsync(["sleep", "600"]);

    public async Task DisposeAsync() => await containers.KillAsync(_container);

    [Fact]
    public async Task RunAsync_TwoHundredCycles_LeavesDescriptorsAndFilesFlat()
    {
        await ExecAsync("x");
        var before = Directory.GetFiles("/proc/self/fd").Length;

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal((2, "x"), await ExecAsync("x"));
        }

        // A little slack for the runtime's own lazily opened descriptors (epoll, eventfd, thread pool).
        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, before + 4);
        Assert.Empty(Directory.GetFiles(Path.Combine(_container.BundleDirectory, "exec")));
    }

    private async Task<(int Code, string Stdout)> ExecAsync(string input)
    {
        var stdout = new MemoryStream();
        var session = new StreamingSession { Stdin = new MemoryStream(Encoding.UTF8.GetBytes(input)), Stdout = stdout, Stderr = new MemoryStream() };
        using var files = await ExecProcessFiles.WriteAsync(_container.BundleDirectory, _container.Id, ["sh", "-c", "cat; exit 2"], terminal: null, CancellationToken.None);
        var code = await ExecSession.RunAsync(new ExecTarget(new OciRuntimeCli(containers.Runc, TimeSpan.FromSeconds(30)), _container.Id, files), session, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, Encoding.UTF8.GetString(stdout.ToArray()));
    }
}
