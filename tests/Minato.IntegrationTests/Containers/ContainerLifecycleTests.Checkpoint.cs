using System.Diagnostics;
using System.Formats.Tar;
using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Containers;

/// <summary>CheckpointContainer through the real daemon, runc and CRIU.</summary>
public sealed partial class ContainerLifecycleTests
{
    [Fact]
    public async Task CheckpointContainer_RunningCounter_WritesTheArchiveOrNamesCriusReason()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "counter", "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /count; sleep 0.1; done");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var dir = Directory.CreateTempSubdirectory("minato-checkpoint-");
        var location = Path.Combine(dir.FullName, "counter.tar");
        try
        {
            var (criuWorks, criuSays) = await CriuCheckAsync();
            var call = Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = location, Timeout = 60 }).ResponseAsync;
            if (criuWorks)
            {
                await call;
                var names = new List<string>();
                await using (var reader = new TarReader(File.OpenRead(location)))
                {
                    while (await reader.GetNextEntryAsync() is { } entry)
                    {
                        names.Add(entry.Name);
                    }
                }

                Assert.Contains("config.dump", names);
                Assert.Contains("spec.dump", names);
                Assert.Contains("rootfs-diff.tar", names);
                Assert.Contains("checkpoint/inventory.img", names);
            }
            else
            {
                // This host's CRIU cannot dump (criu check says why): the call must say so in CRIU's own words and leave nothing.
                var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
                Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
                Assert.Contains("CRIU", error.Status.Detail, StringComparison.Ordinal);
                Assert.Contains("Error (criu/", error.Status.Detail, StringComparison.Ordinal);
                Assert.Contains(criuSays, error.Status.Detail, StringComparison.Ordinal);
                Assert.Empty(dir.GetFileSystemInfos());
            }

            Assert.Equal(ContainerState.ContainerRunning, (await StatusAsync(id)).Status.State);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CheckpointContainer_BadRequests_InvalidArgumentNotFoundFailedPrecondition()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "idle", "sleep", "600");

        var relative = await Assert.ThrowsAsync<RpcException>(async () =>
            await Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = "relative.tar" }));
        Assert.Equal(StatusCode.InvalidArgument, relative.StatusCode);
        Assert.Contains("location", relative.Status.Detail, StringComparison.Ordinal);
        var notStarted = await Assert.ThrowsAsync<RpcException>(async () =>
            await Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = "/tmp/minato-never.tar" }));
        Assert.Equal(StatusCode.FailedPrecondition, notStarted.StatusCode);
        Assert.False(File.Exists("/tmp/minato-never.tar"));
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = "nope", Location = "/tmp/minato-never.tar" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Whether this host's CRIU can dump at all (<c>criu check</c>), and the first error it reports when not.</summary>
    private static async Task<(bool Works, string FirstError)> CriuCheckAsync()
    {
        var start = new ProcessStartInfo("criu", "check") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var firstError = output.Split('\n').FirstOrDefault(l => l.Contains("Error (criu/", StringComparison.Ordinal)) ?? string.Empty;
        var message = firstError.Length > 0 ? firstError[(firstError.IndexOf("): ", StringComparison.Ordinal) + 3)..].Trim() : string.Empty;
        return (process.ExitCode == 0 && firstError.Length == 0, message);
    }
}
