using Minato.Docker.Exec;
using Minato.Docker.Http;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Docker.Exec;

public sealed class ExecProcessChangeTests : IDisposable
{
    private readonly TempDirectory _rootfs = new();

    public ExecProcessChangeTests()
    {
        _rootfs.Write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        _rootfs.Write("etc/group", "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
    }

    public void Dispose() => _rootfs.Dispose();

    [Fact]
    public void For_NothingAsked_NullSoTheContainersProcessRunsAsIs()
    {
        Assert.Null(ExecProcessChange.For(new ExecCreateRequest { Cmd = ["true"] }));
    }

    [Fact]
    public void For_UserNameWorkdirEnv_IdsFromTheImageCwdAndEnvOverridingTheContainers()
    {
        var change = ExecProcessChange.For(new ExecCreateRequest { Cmd = ["true"], User = "app", WorkingDir = "/tmp", Env = ["KEEP=exec", "NEW=1"] })!;

        var process = change(Process(), _rootfs.Path);

        Assert.Equal(1000u, process.User.Uid);
        Assert.Equal(1000u, process.User.Gid);
        Assert.Equal([1000u, 2000u], process.User.AdditionalGids!);
        Assert.Equal("/tmp", process.Cwd);
        Assert.Equal(["PATH=/bin", "KEEP=exec", "HOME=/root", "NEW=1"], process.Env!);
    }

    [Fact]
    public void For_UnknownUser_BadRequest400NamingIt()
    {
        var change = ExecProcessChange.For(new ExecCreateRequest { Cmd = ["true"], User = "nobody2" })!;

        var error = Assert.Throws<DockerApiException>(() => change(Process(), _rootfs.Path));

        Assert.Equal(400, error.Status);
        Assert.Contains("nobody2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "tmp", null, "needs to be an absolute path")]
    [InlineData("-1", null, null, "User")]
    [InlineData(null, null, "=x", "Env")]
    [InlineData(null, null, "A=b\nc", "Env")]
    public void Check_BadField_BadRequest400NamingTheField(string? user, string? workdir, string? env, string message)
    {
        var request = new ExecCreateRequest { Cmd = ["true"], User = user, WorkingDir = workdir, Env = env is null ? null : [env] };

        var error = Assert.Throws<DockerApiException>(() => ExecProcessChange.Check(request));

        Assert.Equal(400, error.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static SpecProcess Process() => new()
    {
        User = new SpecUser { Uid = 0, Gid = 0 },
        Args = ["sleep", "300"],
        Env = ["PATH=/bin", "KEEP=container", "HOME=/root"],
        Cwd = "/",
    };
}
