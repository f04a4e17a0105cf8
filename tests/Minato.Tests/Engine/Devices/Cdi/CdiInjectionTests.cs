using Minato.Engine.Devices.Cdi;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Engine.Devices.Cdi;

public sealed class CdiInjectionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Apply_EveryEditKind_IsMadeToTheSpec()
    {
        Spec("a.json", """
            {"cdiVersion":"0.7.0","kind":"example.com/test",
             "containerEdits":{"env":["COMMON=1"],"hooks":[{"hookName":"createRuntime","path":"/usr/bin/common-hook"}]},
             "devices":[{"name":"d","containerEdits":{
              "env":["TEST_DEVICE=new","EXTRA=x=y"],
              "deviceNodes":[{"path":"/dev/minato-test0","hostPath":"/dev/null"},{"path":"/dev/fixed","type":"c","major":240,"minor":7,"permissions":"r","fileMode":384}],
              "mounts":[{"hostPath":"/usr/lib/x","containerPath":"/usr/lib/x","options":["ro","rbind"]},{"hostPath":"/opt","containerPath":"/dev/shm","options":["rbind"]}],
              "hooks":[{"hookName":"createContainer","path":"/usr/bin/hook","args":["hook","x"],"env":["H=1"],"timeout":5},{"hookName":"prestart","path":"/usr/bin/old"}],
              "additionalGids":[44, 0],
              "intelRdt":{"closID":"gpu"}}}]}
            """);

        var spec = Resolve("example.com/test=d").Apply(SpecFixtures.Minimal());

        Assert.Equal(["PATH=/bin", "COMMON=1", "TEST_DEVICE=new", "EXTRA=x=y"], spec.Process.Env);
        var nodes = spec.Linux.Devices!;
        Assert.Equal(new LinuxDevice { Path = "/dev/minato-test0", Type = "c", Major = 1, Minor = 3, FileMode = HostMode("/dev/null") }, nodes[0]);
        Assert.Equal(new LinuxDevice { Path = "/dev/fixed", Type = "c", Major = 240, Minor = 7, FileMode = 384 }, nodes[1]);
        Assert.Equal(
            [new LinuxDeviceCgroup(false, Access: "rwm"), new(true, "c", 1, 3, "rwm"), new(true, "c", 240, 7, "r")],
            spec.Linux.Resources!.Devices);
        Assert.Equal(["/proc", "/dev", "/dev/shm", "/usr/lib/x"], spec.Mounts!.Select(m => m.Destination));
        Assert.Equal("/opt", spec.Mounts!.Single(m => m.Destination == "/dev/shm").Source);
        Assert.Equal("/usr/bin/common-hook", Assert.Single(spec.Hooks!.CreateRuntime!).Path);
        var hook = Assert.Single(spec.Hooks.CreateContainer!);
        Assert.Equal(("/usr/bin/hook", 5), (hook.Path, hook.Timeout));
        Assert.Equal(["hook", "x"], hook.Args);
        Assert.Equal("/usr/bin/old", Assert.Single(spec.Hooks.Prestart!).Path);
        Assert.Null(spec.Hooks.Poststop);
        Assert.Equal([44u], spec.Process.User.AdditionalGids);
        Assert.Equal("gpu", spec.Linux.IntelRdt!.ClosId);
    }

    [Fact]
    public void Apply_NoAccessPermission_AddsTheNodeButNoCgroupRule()
    {
        Spec("a.json", """{"cdiVersion":"0.3.0","kind":"example.com/test","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/null","permissions":"none"}]}}]}""");

        var spec = Resolve("example.com/test=d").Apply(SpecFixtures.Minimal());

        Assert.Equal("/dev/null", Assert.Single(spec.Linux.Devices!).Path);
        Assert.Equal([new LinuxDeviceCgroup(false, Access: "rwm")], spec.Linux.Resources!.Devices);
    }

    [Fact]
    public void Apply_NonRootUser_OwnsNodesThatNameNoOwner()
    {
        Spec("a.json", CdiSpecs.Json());

        var spec = Resolve("example.com/test=dev0").Apply(SpecFixtures.Minimal(uid: 1000));

        var node = Assert.Single(spec.Linux.Devices!);
        Assert.Equal((1000u, 1000u), (node.Uid, node.Gid));
    }

    [Fact]
    public void Build_TwoDevicesOfOneSpec_MakeItsCommonEditsOnce()
    {
        Spec("a.json", """
            {"cdiVersion":"0.3.0","kind":"example.com/test","containerEdits":{"hooks":[{"hookName":"poststop","path":"/bin/true"}]},
             "devices":[{"name":"a","containerEdits":{"env":["A=1"]}},{"name":"b","containerEdits":{"env":["B=1"]}}]}
            """);

        var spec = Resolve("example.com/test=a", "example.com/test=b").Apply(SpecFixtures.Minimal());

        Assert.Single(spec.Hooks!.Poststop!);
        Assert.Contains("A=1", spec.Process.Env!);
        Assert.Contains("B=1", spec.Process.Env!);
    }

    [Theory]
    [InlineData("""{"env":["SAME=1"]}""", """{"env":["SAME=2"]}""", "environment variable SAME")]
    [InlineData("""{"deviceNodes":[{"path":"/dev/x","hostPath":"/dev/null"}]}""", """{"deviceNodes":[{"path":"/dev/x","hostPath":"/dev/zero"}]}""", "device node /dev/x")]
    [InlineData("""{"mounts":[{"hostPath":"/a","containerPath":"/m"}]}""", """{"mounts":[{"hostPath":"/b","containerPath":"/m"}]}""", "mount point /m")]
    public void Build_TwoDevicesWithConflictingEdits_IsInvalidAndNamesBoth(string first, string second, string what)
    {
        var path = Spec("a.json", $$"""
            {"cdiVersion":"0.5.0","kind":"example.com/test","devices":[{"name":"one","containerEdits":{{first}}},{"name":"two","containerEdits":{{second}}}]}
            """);

        var error = Assert.Throws<InvalidInputException>(() => Resolve("example.com/test=one", "example.com/test=two"));

        Assert.Contains($"CDI device example.com/test=one (spec {path}) and CDI device example.com/test=two (spec {path}) conflict", error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TwoDevicesWithTheSameEdit_DoNotConflict()
    {
        Spec("a.json", """
            {"cdiVersion":"0.3.0","kind":"example.com/test","devices":[{"name":"a","containerEdits":{"env":["DRIVER=1"],"deviceNodes":[{"path":"/dev/null"}]}},
             {"name":"b","containerEdits":{"env":["DRIVER=1"],"deviceNodes":[{"path":"/dev/null"}]}}]}
            """);

        var spec = Resolve("example.com/test=a", "example.com/test=b").Apply(SpecFixtures.Minimal());

        Assert.Single(spec.Linux.Devices!);
        Assert.Single(spec.Process.Env!, e => e == "DRIVER=1");
    }

    [Fact]
    public void Build_DeviceNodeMissingOnTheHost_IsInvalidAndNamesDeviceAndSpec()
    {
        var path = Spec("a.json", """{"cdiVersion":"0.3.0","kind":"example.com/test","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/minato-no-such-node"}]}}]}""");

        var error = Assert.Throws<InvalidInputException>(() => Resolve("example.com/test=d"));

        Assert.Contains($"CDI device example.com/test=d (spec {path}): device node /dev/minato-no-such-node is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HostPathThatIsNotADevice_IsInvalid()
    {
        var path = Spec("a.json", """{"cdiVersion":"0.5.0","kind":"example.com/test","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/x","hostPath":"/etc/hostname"}]}}]}""");

        var error = Assert.Throws<InvalidInputException>(() => Resolve("example.com/test=d"));

        Assert.Contains("/etc/hostname is missing on this host or is not a device node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TypeThatContradictsTheHostNode_IsInvalid()
    {
        Spec("a.json", """{"cdiVersion":"0.3.0","kind":"example.com/test","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/null","type":"b"}]}}]}""");

        var error = Assert.Throws<InvalidInputException>(() => Resolve("example.com/test=d"));

        Assert.Contains("has type b but host node /dev/null is of type c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_Empty_ReturnsTheSpecUnchanged()
    {
        var spec = SpecFixtures.Minimal();

        Assert.Same(spec, CdiInjection.Empty.Apply(spec));
    }

    private static uint HostMode(string path) => (uint)File.GetUnixFileMode(path);

    private string Spec(string name, string json) => _dir.Write(name, json);

    private CdiInjection Resolve(params string[] names) =>
        new CdiRegistry(new CdiOptions { SpecDirectories = [_dir.Path] }, TimeProvider.System).Resolve(names);
}
