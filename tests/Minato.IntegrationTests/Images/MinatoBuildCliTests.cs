using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary><c>minato build</c> as a person runs it on the node: no docker CLI, the daemon reads the context in place.</summary>
public sealed class MinatoBuildCliTests : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private string _base = null!;
    private string _context = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync();
        _base = (await _registry.PushAsync(image, "cli-build/busybox:1.36")).Reference;
        _daemon = await MinatoDaemon.StartAsync();
        Assert.Equal(0, (await MinatoAsync("pull", _base)).ExitCode);
        _context = Path.Combine(_daemon.Directory, "context");
        Directory.CreateDirectory(_context);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task Build_TwiceWithIgnoreAndArgs_SecondRunIsCachedAndImageIsListed()
    {
        await File.WriteAllTextAsync(Path.Combine(_context, "hello.txt"), "hello\n");
        await File.WriteAllTextAsync(Path.Combine(_context, "secret.txt"), "secret\n");
        await File.WriteAllTextAsync(Path.Combine(_context, ".dockerignore"), "secret.txt\n");
        Directory.CreateDirectory(Path.Combine(_context, "build"));
        await File.WriteAllTextAsync(Path.Combine(_context, "build", "Dockerfile.cli"), $"""
            FROM {_base}
            ARG WHO=nobody
            COPY *.txt /out/
            RUN echo "built by $WHO" > /out/by.txt && ls /out
            """);

        var first = await MinatoAsync("build", "-t", "cli/built:1", "-f", Path.Combine(_context, "build", "Dockerfile.cli"), "--build-arg", "WHO=cli", _context);
        var second = await MinatoAsync("build", "-t", "cli/built:1", "-f", Path.Combine(_context, "build", "Dockerfile.cli"), "--build-arg", "WHO=cli", _context);
        var images = await MinatoAsync("images");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Step 1/4 : FROM {_base}", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("hello.txt", first.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret.txt", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("Successfully tagged cli/built:1", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains(" ---> Using cache", second.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Running in", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("cli/built", images.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_SyntaxError_FailsNamingTheLine()
    {
        await File.WriteAllTextAsync(Path.Combine(_context, "Dockerfile"), $"FROM {_base}\n\nRUNN echo\n");

        var build = await MinatoAsync("build", _context);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("Dockerfile parse error on line 3: unknown instruction: RUNN", build.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_FailingRun_ReportsTheExitCode()
    {
        await File.WriteAllTextAsync(Path.Combine(_context, "Dockerfile"), $"FROM {_base}\nRUN exit 3\n");

        var build = await MinatoAsync("build", _context);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("returned a non-zero code: 3", build.Stderr, StringComparison.Ordinal);
    }

    private Task<CommandResult> MinatoAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", _daemon.Endpoint, .. args], TimeSpan.FromSeconds(180));
}
