using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary><c>docker build</c> with the classic builder (<c>DOCKER_BUILDKIT=0</c>) against Minato: every instruction,
/// stages, the cache, .dockerignore, heredocs, ONBUILD, failures and hostile contexts; then the image run.</summary>
public sealed class DockerBuildTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _base = null!;
    private string _context = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync();
        _base = (await _registry.PushAsync(image, "build/busybox:1.36")).Reference;
        _daemon = await MinatoDaemon.StartWithDockerApiAsync();
        _docker = new DockerClient(_daemon);
        Assert.Equal(0, (await _docker.RunAsync("pull", _base)).ExitCode);
        _context = Path.Combine(_daemon.Directory, "context-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_context);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task DockerBuild_EveryInstruction_ImageRunsWithItsConfig()
    {
        await WriteAsync("app/hello.txt", "hello from the context\n");
        await WriteAsync("app/sub/deep.txt", "deep\n");
        await WriteAsync("Dockerfile", $$"""
            ARG BASE={{_base}}
            FROM ${BASE}
            ARG GREETING=hi
            ENV APP_HOME=/srv/app PATH_EXTRA=${GREETING:-none}
            LABEL org.example.name="build test" version=1
            WORKDIR $APP_HOME
            COPY app/ ./
            COPY --chown=1000:1000 --chmod=640 app/hello.txt /srv/owned.txt
            ADD app/sub /srv/added
            RUN echo "$GREETING built" > built.txt && rm -f /bin/false && mkdir -p /data
            USER 1000
            EXPOSE 8080 53/udp
            VOLUME /data
            STOPSIGNAL SIGUSR1
            HEALTHCHECK --interval=5s --retries=2 CMD true
            SHELL ["/bin/sh", "-c"]
            ENTRYPOINT ["/bin/sh", "-c"]
            CMD ["cat /srv/app/built.txt /srv/app/hello.txt /srv/added/deep.txt; ls /bin/false || echo gone; id -u"]
            """);

        var build = await BuildAsync("-t", "built/every:1", "--build-arg", "GREETING=hello", _context);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("Step 2/18 : FROM ${BASE}", build.Stdout, StringComparison.Ordinal);
        Assert.Contains("Successfully tagged built/every:1", build.Stdout, StringComparison.Ordinal);

        var run = await _docker.RunAsync("run", "--rm", "built/every:1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hello built\nhello from the context\ndeep\ngone\n1000\n", run.Stdout.Replace("ls: /bin/false: No such file or directory\n", "", StringComparison.Ordinal));

        var inspect = await _docker.RunAsync("image", "inspect", "built/every:1");
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        using var document = JsonDocument.Parse(inspect.Stdout);
        var config = document.RootElement[0].GetProperty("Config");
        Assert.Equal("/srv/app", config.GetProperty("WorkingDir").GetString());
        Assert.Equal("1000", config.GetProperty("User").GetString());
        Assert.Equal("SIGUSR1", config.GetProperty("StopSignal").GetString());
        Assert.Equal("build test", config.GetProperty("Labels").GetProperty("org.example.name").GetString());
        Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("53/udp", out _));
        Assert.Contains("APP_HOME=/srv/app", config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()), e => e!.StartsWith("GREETING=", StringComparison.Ordinal));

        var owned = await _docker.RunAsync("run", "--rm", "--entrypoint", "stat", "built/every:1", "-c", "%u:%g %a", "/srv/owned.txt");
        Assert.Equal("1000:1000 640\n", owned.Stdout);
        var history = await _docker.RunAsync("history", "--no-trunc", "--format", "{{.CreatedBy}}", "built/every:1");
        Assert.Contains("/bin/sh -c #(nop)  EXPOSE 8080/tcp 53/udp", history.Stdout, StringComparison.Ordinal);
        Assert.Contains("|1 GREETING=hello /bin/sh -c echo", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerBuild_SecondTimeUnchanged_UsesCacheAndSameImage()
    {
        await WriteAsync("a.txt", "a\n");
        await WriteAsync("Dockerfile", $"""
            FROM {_base}
            COPY a.txt /a.txt
            RUN cat /a.txt > /b.txt
            ENV DONE=1
            """);

        var first = await BuildAsync("-t", "built/cache", _context);
        var second = await BuildAsync("-t", "built/cache", _context);
        await WriteAsync("a.txt", "changed\n");
        var third = await BuildAsync("-t", "built/cache", _context);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.DoesNotContain("Using cache", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, Count(second.Stdout, " ---> Using cache"));
        Assert.DoesNotContain("Running in", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(Built(first.Stdout), Built(second.Stdout));
        Assert.NotEqual(Built(first.Stdout), Built(third.Stdout));
        Assert.Contains("Running in", third.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerBuild_MultiStageWithTarget_BuildsOnlyWhatTheTargetNeeds()
    {
        await WriteAsync("Dockerfile", $"""
            FROM {_base} AS unused
            RUN echo never > /never

            FROM {_base} AS compile
            RUN echo compiled > /artifact

            FROM {_base} AS final
            COPY --from=compile /artifact /artifact
            CMD ["cat", "/artifact"]

            FROM final AS extra
            RUN false
            """);

        var build = await BuildAsync("--target", "final", "-t", "built/stages", _context);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("echo never", build.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("RUN false", build.Stdout, StringComparison.Ordinal);

        var run = await _docker.RunAsync("run", "--rm", "built/stages");
        Assert.Equal("compiled\n", run.Stdout);
    }

    [Fact]
    public async Task DockerBuild_DockerignoreHeredocAndOnbuild_Honoured()
    {
        await WriteAsync(".dockerignore", "secret*\n!secret-ok\n");
        await WriteAsync("secret.key", "do not send\n");
        await WriteAsync("secret-ok", "fine\n");
        await WriteAsync("Dockerfile", $"""
            FROM {_base}
            ONBUILD RUN echo triggered > /triggered
            COPY . /ctx/
            RUN <<EOF
            set -e
            echo from heredoc > /heredoc
            EOF
            """);
        var parent = await BuildAsync("-t", "built/parent", _context);
        Assert.True(parent.ExitCode == 0, parent.ToString());
        File.Delete(Path.Combine(_context, ".dockerignore"));
        await WriteAsync("Dockerfile", "FROM built/parent\nCMD [\"sh\", \"-c\", \"cat /triggered /heredoc; ls /ctx\"]\n");
        var child = await BuildAsync("-t", "built/child", _context);
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Contains("# Executing 1 build trigger", child.Stdout, StringComparison.Ordinal);

        var run = await _docker.RunAsync("run", "--rm", "built/child");
        Assert.Equal("triggered\nfrom heredoc\nDockerfile\nsecret-ok\n", run.Stdout);
    }

    [Fact]
    public async Task DockerBuild_FailingRun_ReportsExitCodeAndLeavesNothing()
    {
        await WriteAsync("Dockerfile", $"""
            FROM {_base}
            RUN echo about to fail && exit 3
            """);

        var build = await BuildAsync("-t", "built/fails", _context);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("about to fail", build.Stdout, StringComparison.Ordinal);
        Assert.Contains("The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3", build.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, (await _docker.RunAsync("image", "inspect", "built/fails")).ExitCode);
        Assert.DoesNotContain(_daemon.Directory, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "build")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "unpack")));
    }

    [Fact]
    public async Task PostBuild_ContextEscapingWithDotDot_RefusedAndNothingWritten()
    {
        var tar = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            var dockerfile = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "Dockerfile")
            {
                DataStream = new MemoryStream("FROM scratch\nCOPY . /\n"u8.ToArray()),
            };
            await writer.WriteEntryAsync(dockerfile);
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "../../escaped")
            {
                DataStream = new MemoryStream("x"u8.ToArray()),
            });
        }

        tar.Position = 0;
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/build?t=built/hostile", new StreamContent(tar));

        Assert.True(status == 400 || body.Contains("errorDetail", StringComparison.Ordinal), $"{status} {body}");
        Assert.False(File.Exists(Path.Combine(_daemon.Root, "escaped")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "build")));
        Assert.Equal(1, (await _docker.RunAsync("image", "inspect", "built/hostile")).ExitCode);
    }

    private Task<CommandResult> BuildAsync(params string[] args) =>
        CommandResult.RunAsync(DockerClient.CliPath, ["build", .. args], TimeSpan.FromMinutes(3), new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = _daemon.DockerHost,
            ["DOCKER_CONFIG"] = _docker.ConfigDirectory,
            ["DOCKER_BUILDKIT"] = "0",
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
        });

    private async Task WriteAsync(string relative, string text)
    {
        var path = Path.Combine(_context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text.Replace("\r\n", "\n", StringComparison.Ordinal) + (text.EndsWith('\n') ? "" : "\n"));
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static string Built(string stdout) =>
        stdout.Split('\n').Last(l => l.StartsWith("Successfully built ", StringComparison.Ordinal))["Successfully built ".Length..];
}
