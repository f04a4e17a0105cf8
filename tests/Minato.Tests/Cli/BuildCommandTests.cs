using Minato.Cli;

namespace Minato.Tests.Cli;

public sealed class BuildCommandTests : IDisposable
{
    private readonly TempDirectory context = new();

    public void Dispose() => context.Dispose();

    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void Request_RelativeContext_IsMadeAbsolute()
    {
        var request = BuildCommand.Request(".", null, [], [], [], NoEnvironment);

        Assert.Equal(Directory.GetCurrentDirectory(), request.ContextDirectory);
        Assert.Equal("", request.Dockerfile);
    }

    [Fact]
    public void Request_DockerfileInsideContext_IsSentRelative()
    {
        var request = BuildCommand.Request(context.Path, context.Combine("docker", "Dockerfile.dev"), [], [], [], NoEnvironment);

        Assert.Equal("docker/Dockerfile.dev", request.Dockerfile);
    }

    [Fact]
    public void Request_DockerfileOutsideContext_IsRefused()
    {
        var error = Assert.Throws<CliException>(() => BuildCommand.Request(context.Combine("sub"), context.Combine("Dockerfile"), [], [], [], NoEnvironment));

        Assert.Contains("must be inside the build context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_TagsArgsAndLabels_AreCarried()
    {
        var request = BuildCommand.Request(
            context.Path, null, ["app:1", "app:latest"], ["A=1", "B=", "FROM_ENV", "UNSET"], ["team=core", "empty="],
            name => name == "FROM_ENV" ? "env-value" : null);

        Assert.Equal(["app:1", "app:latest"], request.Tags);
        Assert.Equal("1", request.BuildArgs["A"]);
        Assert.Equal("", request.BuildArgs["B"]);
        Assert.Equal("env-value", request.BuildArgs["FROM_ENV"]);
        Assert.False(request.BuildArgs.ContainsKey("UNSET"));
        Assert.Equal("core", request.Labels["team"]);
        Assert.Equal("", request.Labels["empty"]);
    }

    [Theory]
    [InlineData("=x", "--build-arg")]
    public void Request_BadBuildArg_IsRefused(string arg, string expected)
    {
        Assert.Contains(expected, Assert.Throws<CliException>(() => BuildCommand.Request(context.Path, null, [], [arg], [], NoEnvironment)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_BadLabel_IsRefused()
    {
        Assert.Throws<CliException>(() => BuildCommand.Request(context.Path, null, [], [], ["novalue"], NoEnvironment));
    }
}
