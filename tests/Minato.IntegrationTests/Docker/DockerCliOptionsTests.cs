using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker CLI options real jobs use: <c>exec -u/-w/-e</c>, <c>--add-host name:host-gateway</c>, ps filters by volume
/// and network, and <c>run -it</c> through a real pseudo-terminal.</summary>
public sealed class DockerCliOptionsTests(DockerClientsFixture fixture) : IClassFixture<DockerClientsFixture>
{
    /// <summary>Runs its arguments under a new pseudo-terminal (24x80), waits for the shell's prompt, asks <c>tty</c>, resizes
    /// the terminal to 50x132 and asks <c>stty size</c>, then types <c>echo $((6*7)); exit 3</c>; prints everything the
    /// terminal showed and exits with the command's exit code.</summary>
    private const string PtyDriver = """
        import fcntl, os, pty, select, struct, sys, termios, time
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:])
        def size(rows, cols):
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        size(24, 80)
        seen = b""
        def until(token, seconds):
            global seen
            end = time.time() + seconds
            while token not in seen and time.time() < end:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    try:
                        data = os.read(fd, 4096)
                    except OSError:
                        return
                    if not data:
                        return
                    seen += data
        until(b"# ", 60)
        os.write(fd, b"tty\n")
        until(b"/dev/pts/", 20)
        size(50, 132)
        time.sleep(0.5)
        os.write(fd, b"stty size\n")
        until(b"50 132", 20)
        os.write(fd, b"echo $((6*7)); exit 3\n")
        until(b"\x00never", 30)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(seen.decode(errors="replace"))
        sys.exit(os.waitstatus_to_exitcode(status))
        """;

    private DockerClient Docker => fixture.Docker;

    [Fact]
    public async Task Exec_UserWorkdirEnv_RunAsThatUserInThatDirectoryWithTheVariable()
    {
        await MustAsync("run", "-d", "--name", "execopts", "-e", "KEEP=container", fixture.Image, "sleep", "300");

        var exec = await MustAsync("exec", "-u", "1000:1001", "-w", "/tmp", "-e", "FLOW=exec", "-e", "KEEP=exec", "execopts",
            "sh", "-c", "echo $(id -u) $(id -g) $(pwd) $FLOW $KEEP");
        var plain = await MustAsync("exec", "execopts", "sh", "-c", "echo $(id -u) $(pwd) $KEEP");
        var relative = await Docker.RunAsync("exec", "-w", "tmp", "execopts", "true");
        var unknownUser = await Docker.RunAsync("exec", "-u", "nosuchuser", "execopts", "true");

        Assert.Equal("1000 1001 /tmp exec exec", exec.Stdout.Trim());
        Assert.Equal("0 / container", plain.Stdout.Trim());
        Assert.NotEqual(0, relative.ExitCode);
        Assert.Contains("needs to be an absolute path", relative.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unknownUser.ExitCode);
        Assert.Contains("nosuchuser", unknownUser.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AddHostGateway_ResolvesToTheDefaultBridgeGateway()
    {
        var run = await MustAsync("run", "--rm", "--add-host", "myhost:host-gateway", fixture.Image, "grep", "myhost", "/etc/hosts");

        Assert.Equal($"{fixture.Gateway}\tmyhost", run.Stdout.Trim());
    }

    [Fact]
    public async Task Ps_VolumeAndNetworkFilters_ListOnlyTheContainersUsingThem()
    {
        await MustAsync("volume", "create", "filtervol");
        await MustAsync("network", "create", "filternet");
        await MustAsync("run", "-d", "--name", "withvol", "-v", "filtervol:/data", "--network", "none", fixture.Image, "sleep", "300");
        await MustAsync("run", "-d", "--name", "withnet", "--network", "filternet", fixture.Image, "sleep", "300");
        var networkId = (await MustAsync("network", "inspect", "-f", "{{.Id}}", "filternet")).Stdout.Trim();

        var byVolume = await MustAsync("ps", "--filter", "volume=filtervol", "--format", "{{.Names}}");
        var byDestination = await MustAsync("ps", "--filter", "volume=/data", "--format", "{{.Names}}");
        var byNetwork = await MustAsync("ps", "--filter", "network=filternet", "--format", "{{.Names}}");
        var byNetworkId = await MustAsync("ps", "--filter", "network=" + networkId[..12], "--format", "{{.Names}}");

        Assert.Equal("withvol", byVolume.Stdout.Trim());
        Assert.Equal("withvol", byDestination.Stdout.Trim());
        Assert.Equal("withnet", byNetwork.Stdout.Trim());
        Assert.Equal("withnet", byNetworkId.Stdout.Trim());
    }

    [Fact]
    public async Task RunIt_UnderAPseudoTerminal_EchoesTheAnswerSeesPtsFollowsResizeAndExitsThree()
    {
        var script = Path.Combine(fixture.Daemon.Directory, "pty_driver.py");
        await File.WriteAllTextAsync(script, PtyDriver);

        var run = await Docker.RunClientAsync(DockerComposeTests.PythonPath, script, DockerClient.CliPath, "run", "-it", "--rm", "--network", "none",
            fixture.Image, "sh");
        var left = await MustAsync("ps", "-aq", "--filter", "ancestor=" + fixture.Image, "--filter", "status=exited");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("/dev/pts/", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("50 132", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n42\r", run.Stdout.Replace("\r\r", "\r", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("", left.Stdout.Trim());
    }

    private async Task<CommandResult> MustAsync(params string[] args)
    {
        var result = await Docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}");
        return result;
    }
}
