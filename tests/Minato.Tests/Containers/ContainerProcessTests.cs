using Minato.Cri.Containers;
using Minato.Engine.Containers;
using Minato.Engine.Errors;

namespace Minato.Tests.Containers;

public sealed class ContainerProcessTests
{
    private static readonly ImageRuntimeConfig Image = SpecFixture.Image;

    [Fact]
    public void Args_NoCommandNoArgs_EntrypointThenCmd()
    {
        Assert.Equal(["/bin/server", "--port", "8080"], ContainerProcess.Args(SpecFixture.Config(), Image));
    }

    [Fact]
    public void Args_ArgsOnly_ReplaceCmdKeepEntrypoint()
    {
        Assert.Equal(["/bin/server", "-v"], ContainerProcess.Args(SpecFixture.Config() with { Args = ["-v"] }, Image));
    }

    [Fact]
    public void Args_CommandOnly_DropsEntrypointAndCmd()
    {
        Assert.Equal(["/bin/sh"], ContainerProcess.Args(SpecFixture.Config() with { Command = ["/bin/sh"] }, Image));
    }

    [Fact]
    public void Args_CommandAndArgs_Both()
    {
        Assert.Equal(["/bin/sh", "-c", "id"], ContainerProcess.Args(SpecFixture.Config() with { Command = ["/bin/sh"], Args = ["-c", "id"] }, Image));
    }

    [Fact]
    public void Args_NothingAnywhere_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => ContainerProcess.Args(SpecFixture.Config(), ImageRuntimeConfig.Empty));
    }

    [Fact]
    public void Args_Nul_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => ContainerProcess.Args(SpecFixture.Config() with { Command = ["/bin/sh\0x"] }, Image));
    }

    [Theory]
    [InlineData("", "/srv", "/srv")]
    [InlineData("/work//dir/.", "/srv", "/work/dir")]
    [InlineData("", "", "/")]
    [InlineData("", "relative/dir", "/relative/dir")]
    public void WorkingDir_CriThenImageThenRoot(string cri, string image, string expected)
    {
        var config = SpecFixture.Config() with { WorkingDir = cri };

        Assert.Equal(expected, ContainerProcess.WorkingDir(config, Image with { WorkingDir = image }));
    }

    [Theory]
    [InlineData("/proc/self/fd/7")]
    [InlineData("/proc/1/fd/3")]
    [InlineData("//proc/thread-self/fd/9/..")]
    [InlineData("relative")]
    [InlineData("/tmp\n/x")]
    public void WorkingDir_ProcFdRelativeOrNewline_Rejected(string cwd)
    {
        Assert.Throws<InvalidInputException>(() => ContainerProcess.WorkingDir(SpecFixture.Config() with { WorkingDir = cwd }, Image));
    }

    [Fact]
    public void WorkingDir_ImageProcFd_Rejected()
    {
        Assert.Throws<InvalidInputException>(() => ContainerProcess.WorkingDir(SpecFixture.Config(), Image with { WorkingDir = "/proc/self/fd/8" }));
    }

    [Theory]
    [InlineData("", "", "SIGTERM")]
    [InlineData("", "quit", "SIGQUIT")]
    [InlineData("SIGINT", "SIGQUIT", "SIGINT")]
    [InlineData("SIGRTMIN+1", "", "SIGRTMIN+1")]
    public void StopSignal_CriThenImageThenTerm(string cri, string image, string expected)
    {
        Assert.Equal(expected, ContainerProcess.StopSignal(SpecFixture.Config() with { StopSignal = cri }, Image with { StopSignal = image }));
    }

    [Fact]
    public void Environment_ImageThenCriLaterWins_PathHostnameHomeDefaults()
    {
        var config = SpecFixture.Config() with { Envs = [new("MODE", "cri"), new("EXTRA", "a=b"), new("MODE", "last")] };

        var env = ContainerEnvironment.Build(config, Image with { Env = ["MODE=image", "BARE"] }, "web", "/home/app");

        Assert.Equal(["PATH=" + ContainerEnvironment.DefaultPath, "HOSTNAME=web", "MODE=last", "EXTRA=a=b", "HOME=/home/app"], env);
    }

    [Fact]
    public void Environment_ImagePathAndTty_ImagePathKeptTermAdded()
    {
        var env = ContainerEnvironment.Build(SpecFixture.Config() with { Tty = true }, Image, "web", "/");

        Assert.Contains("PATH=/usr/local/bin:/usr/bin:/bin", env);
        Assert.Contains("TERM=xterm", env);
    }

    [Theory]
    [InlineData("", "v")]
    [InlineData("A=B", "v")]
    [InlineData("A", "v\0")]
    public void Environment_BadKeyOrNul_Rejected(string key, string value)
    {
        var config = SpecFixture.Config() with { Envs = [new(key, value)] };

        Assert.Throws<InvalidInputException>(() => ContainerEnvironment.Build(config, Image, "web", "/"));
    }
}
