using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Engine.Containers;

public sealed class ContainerServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ContainerServiceFixture _node = new();

    public async Task InitializeAsync()
    {
        await _node.AddImageAsync();
        await _node.Service.RecoverAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task CreateAsync_Description_BundleMountedAndMonitorLaunched()
    {
        var created = await _node.Service.CreateAsync(_node.Describe(), CancellationToken.None);

        Assert.Equal(ContainerPhase.Created, created.Phase);
        Assert.True(File.Exists(Path.Combine(created.BundleDirectory, "config.json")));
        Assert.True(Directory.Exists(Path.Combine(created.RootfsPath, "data")), "the spec's rootfs directory was not made");
        Assert.True(_node.Mounts.IsMounted(created.RootfsPath));
        Assert.Equal("SIGTERM", created.StopSignal);
        var launch = Assert.Single(_node.Monitor.Launches);
        Assert.Equal((created.Id, created.BundleDirectory, created.LogPath), (launch.Id, launch.BundleDirectory, launch.LogPath));
        Assert.Equal([created.Id], _node.Service.ContainersUsing(_node.Image.Id));
        Assert.Equal([(ContainerChangeKind.Created, created.Id)], _node.Changes);
    }

    public static TheoryData<string> CreateSteps => ["mount", "spec", "monitor", "monitor-timeout", "cancel"];

    [Theory]
    [MemberData(nameof(CreateSteps))]
    public async Task CreateAsync_FailureAtEachStep_LeavesNothing(string step)
    {
        using var cancel = new CancellationTokenSource();
        Func<ContainerRootfs, PreparedSpec>? spec = null;
        switch (step)
        {
            case "mount":
                _node.Mounts.FailNext = new IOException("mount: no space left on device");
                break;
            case "spec":
                spec = _ => throw new InvalidInputException("bad user");
                break;
            case "monitor":
                _node.Monitor.FailNext = new OciRuntimeException("runc create failed: exec format error");
                break;
            case "monitor-timeout":
                _node.Monitor.Hang = true;
                break;
            case "cancel":
                _node.Monitor.Hang = true;
                cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
                break;
        }

        var service = step == "monitor-timeout" ? _node.Restart(o => o with { RuntimeTimeout = TimeSpan.FromMilliseconds(200) }) : _node.Service;
        var description = _node.Describe(spec: spec);

        await Assert.ThrowsAnyAsync<Exception>(() => service.CreateAsync(description, cancel.Token));

        _node.AssertNothingLeftOf(description.Id);
        Assert.Empty(_node.Changes);
        Assert.Empty(service.List());
    }

    [Fact]
    public async Task CreateAsync_UnknownHandler_PreconditionAndNothingRecorded()
    {
        var description = _node.Describe() with { RuntimeHandler = "kata" };

        var e = await Assert.ThrowsAsync<PreconditionException>(() => _node.Service.CreateAsync(description, CancellationToken.None));

        Assert.Contains("kata", e.Message, StringComparison.Ordinal);
        _node.AssertNothingLeftOf(description.Id);
    }

    [Fact]
    public async Task StartAsync_NotCreated_Precondition()
    {
        var running = await _node.RunAsync();

        var e = await Assert.ThrowsAsync<PreconditionException>(() => _node.Service.StartAsync(running.Id, CancellationToken.None));

        Assert.Contains("is running, not created", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ProcessExitsAtOnce_StartedAnnouncedBeforeExited()
    {
        _node.Runtime.ExitOnStart = true;
        var created = await _node.Service.CreateAsync(_node.Describe(), CancellationToken.None);

        await _node.Service.StartAsync(created.Id, CancellationToken.None);

        Assert.True(await _node.Service.WaitForExitAsync(created.Id, Wait, CancellationToken.None));
        var exited = await EventuallyAsync(() => _node.Service.Get(created.Id), c => c.Phase == ContainerPhase.Exited);
        Assert.Equal(("Completed", 0), (exited.Reason, exited.ExitCode));
        Assert.True(exited.FinishedAt >= exited.StartedAt);
        var kinds = _node.Changes.Select(c => c.Kind).ToList();
        Assert.Equal([ContainerChangeKind.Created, ContainerChangeKind.Started, ContainerChangeKind.Exited], kinds);
    }

    [Fact]
    public async Task StopAsync_ProcessExitsOnStopSignal_NoSigkill()
    {
        var running = await _node.RunAsync();

        await _node.Service.StopAsync(running.Id, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal([$"kill {running.Id} 15"], Kills(running.Id));
        var stopped = _node.Service.Get(running.Id);
        Assert.Equal((ContainerPhase.Exited, 143, "Error"), (stopped.Phase, stopped.ExitCode, stopped.Reason));
    }

    [Fact]
    public async Task StopAsync_ProcessIgnoresStopSignal_EscalatesToSigkillAfterTimeout()
    {
        _node.Runtime.IgnoredSignals.Add(15);
        var running = await _node.RunAsync();

        await _node.Service.StopAsync(running.Id, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal([$"kill {running.Id} 15", $"kill {running.Id} 9"], Kills(running.Id));
        Assert.Equal((ContainerPhase.Exited, 137), (_node.Service.Get(running.Id).Phase, _node.Service.Get(running.Id).ExitCode));
    }

    [Fact]
    public async Task StopAsync_ExitWhileStopping_NoSigkillAndItsOwnExitCode()
    {
        _node.Runtime.IgnoredSignals.Add(15);
        var running = await _node.RunAsync();

        // The process handles SIGTERM by finishing its work and exiting 0 a little later.
        var stop = _node.Service.StopAsync(running.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        await EventuallyAsync(() => Kills(running.Id), k => k.Count == 1);
        _node.Runtime.End(running.Id, 0);
        await stop.WaitAsync(Wait);

        Assert.Equal([$"kill {running.Id} 15"], Kills(running.Id));
        var stopped = _node.Service.Get(running.Id);
        Assert.Equal((ContainerPhase.Exited, 0, "Completed"), (stopped.Phase, stopped.ExitCode, stopped.Reason));
    }

    [Fact]
    public async Task StopAsync_UnknownOrExited_Succeeds()
    {
        var running = await _node.RunAsync();
        await _node.Service.StopAsync(running.Id, TimeSpan.Zero, CancellationToken.None);

        await _node.Service.StopAsync(running.Id, TimeSpan.FromSeconds(1), CancellationToken.None);
        await _node.Service.StopAsync("no-such-container", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Single(Kills(running.Id));
    }

    [Fact]
    public async Task RemoveAsync_Running_KilledAndEverythingGone()
    {
        var running = await _node.RunAsync();

        await _node.Service.RemoveAsync(running.Id, CancellationToken.None);
        await _node.Service.RemoveAsync(running.Id, CancellationToken.None);

        _node.AssertNothingLeftOf(running.Id);
        Assert.Contains($"kill {running.Id} 9", _node.Runtime.Calls);
        Assert.Contains($"delete {running.Id}", _node.Runtime.Calls);
        Assert.Equal(ContainerChangeKind.Removed, _node.Changes[^1].Kind);
        Assert.Throws<NotFoundException>(() => _node.Service.Get(running.Id));
    }

    [Fact]
    public async Task MonitorWatch_MonitorDiesWhileDaemonRuns_ExitedAsMonitorLostAndStopDoesNotWait()
    {
        var restarted = _node.Restart(o => o with { MonitorCheckInterval = TimeSpan.FromMilliseconds(50) });
        await restarted.RecoverAsync(CancellationToken.None);
        var running = await _node.RunAsync();
        _node.Runtime.IgnoredSignals.Add(9);

        _node.Monitor.Dead[running.Id] = true;

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (restarted.Get(running.Id).Phase != ContainerPhase.Exited)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead monitor was not noticed within 5s");
            await Task.Delay(20);
        }

        var lost = restarted.Get(running.Id);
        Assert.Equal((ContainerService.UnknownExitCode, "MonitorLost"), (lost.ExitCode, lost.Reason));
        Assert.Contains("monitor (conmon) died while the container ran", lost.Message, StringComparison.Ordinal);
        Assert.Contains($"kill {running.Id} 9", _node.Runtime.Calls);
        Assert.True(await restarted.WaitForExitAsync(running.Id, TimeSpan.Zero, CancellationToken.None));
        await restarted.RemoveAsync(running.Id, CancellationToken.None);
        _node.AssertNothingLeftOf(running.Id);
    }

    [Fact]
    public async Task RecoverAsync_MonitorDiedWhileDaemonWasDown_ExitedWithUnknownCode()
    {
        var running = await _node.RunAsync();
        _node.Monitor.Dead[running.Id] = true;
        _node.Runtime.IgnoredSignals.Add(9);

        var restarted = _node.Restart();
        await restarted.RecoverAsync(CancellationToken.None);

        var lost = restarted.Get(running.Id);
        Assert.Equal((ContainerPhase.Exited, ContainerService.UnknownExitCode, "MonitorLost"), (lost.Phase, lost.ExitCode, lost.Reason));
        Assert.Contains("monitor (conmon) was gone when the daemon started", lost.Message, StringComparison.Ordinal);
        Assert.Contains($"kill {running.Id} 9", _node.Runtime.Calls);
        await restarted.RemoveAsync(running.Id, CancellationToken.None);
        _node.AssertNothingLeftOf(running.Id);
    }

    [Fact]
    public async Task RecoverAsync_ExitedWhileDaemonWasDown_ExitCodeFoldedIn()
    {
        var running = await _node.RunAsync();
        _node.Service.Dispose();
        _node.Runtime.End(running.Id, 3);

        var restarted = _node.Restart();
        await restarted.RecoverAsync(CancellationToken.None);

        Assert.Equal((ContainerPhase.Exited, 3), (restarted.Get(running.Id).Phase, restarted.Get(running.Id).ExitCode));
    }

    [Fact]
    public async Task RecoverAsync_HalfCreated_UndoneCompletely()
    {
        var half = _node.LeaveHalfCreated();

        var restarted = _node.Restart();
        await restarted.RecoverAsync(CancellationToken.None);

        _node.AssertNothingLeftOf(half.Id);
    }

    [Fact]
    public async Task ExecSyncAsync_Command_OutputAndExitCode()
    {
        _node.Runtime.ExecBehaviour = args => (args[0] == "false" ? 1 : 0, string.Join(' ', args), "warn");
        var running = await _node.RunAsync();

        var result = await _node.Service.ExecSyncAsync(running.Id, ["echo", "hi"], TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((0, "echo hi", "warn"), (result.ExitCode, System.Text.Encoding.UTF8.GetString(result.Stdout), System.Text.Encoding.UTF8.GetString(result.Stderr)));
        Assert.Empty(Directory.GetFiles(Path.Combine(running.BundleDirectory, "exec")));
    }

    [Fact]
    public async Task ExecSyncAsync_Timeout_KilledWithExitCode124()
    {
        _node.Runtime.ExecBehaviour = _ => null;
        var running = await _node.RunAsync();

        var result = await _node.Service.ExecSyncAsync(running.Id, ["sleep", "600"], TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(ContainerService.ExecTimeoutExitCode, result.ExitCode);
        Assert.Contains("timed out", System.Text.Encoding.UTF8.GetString(result.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecAndAttach_NotRunning_Precondition()
    {
        var created = await _node.Service.CreateAsync(_node.Describe(), CancellationToken.None);

        await Assert.ThrowsAsync<PreconditionException>(() => _node.Service.ExecSyncAsync(created.Id, ["true"], TimeSpan.Zero, CancellationToken.None));
        Assert.Throws<PreconditionException>(() => _node.Service.Attach(created.Id));
        await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.PrepareExecAsync(created.Id, [], null, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateResourcesAsync_Running_AppliedThroughTheRuntime()
    {
        var running = await _node.RunAsync();

        await _node.Service.UpdateResourcesAsync(running.Id, new LinuxResources(), CancellationToken.None);

        Assert.Contains($"update {running.Id}", _node.Runtime.Calls);
    }

    [Fact]
    public async Task ReopenLogAsync_Running_AskedOfTheMonitor()
    {
        var running = await _node.RunAsync();

        await _node.Service.ReopenLogAsync(running.Id, CancellationToken.None);

        Assert.Equal([running.BundleDirectory], _node.Monitor.Reopened);
    }

    [Fact]
    public async Task ReopenLogAsync_MonitorReopensLater_ReturnsOnlyOnceTheNewFileIsThere()
    {
        var running = await _node.RunAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(running.LogPath)!);
        File.WriteAllText(running.LogPath, "old\n");
        File.Move(running.LogPath, running.LogPath + ".1");

        await _node.Service.ReopenLogAsync(running.Id, CancellationToken.None);

        Assert.True(File.Exists(running.LogPath));
        Assert.Equal("old\n", File.ReadAllText(running.LogPath + ".1"));
    }

    [Fact]
    public async Task ReopenLogAsync_FileNotRenamed_WaitsForTheReplacementInode()
    {
        var running = await _node.RunAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(running.LogPath)!);
        File.WriteAllText(running.LogPath, "old\n");

        await _node.Service.ReopenLogAsync(running.Id, CancellationToken.None);

        Assert.Equal(string.Empty, File.ReadAllText(running.LogPath));
    }

    [Fact]
    public async Task ReopenLogAsync_MonitorNeverReopens_TimesOutNamingTheLog()
    {
        var running = await _node.RunAsync();
        _node.Monitor.IgnoreReopen = true;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => _node.Service.ReopenLogAsync(running.Id, CancellationToken.None));

        Assert.Contains(running.LogPath, error.Message, StringComparison.Ordinal);
    }

    private List<string> Kills(string id) => _node.Runtime.Calls.Where(c => c.StartsWith($"kill {id} ", StringComparison.Ordinal)).ToList();

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var value = read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20);
        }
    }
}
