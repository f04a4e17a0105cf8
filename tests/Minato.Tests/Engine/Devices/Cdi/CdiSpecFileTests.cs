using System.Text;
using Minato.Engine.Devices.Cdi;

namespace Minato.Tests.Engine.Devices.Cdi;

public sealed class CdiSpecFileTests
{
    public static TheoryData<string> Versions => [.. CdiSpecFile.Versions];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Parse_JsonOfEachVersion_ReadsKindDevicesAndEdits(string version)
    {
        var file = Parse("a.json", CdiSpecs.Json(version));

        Assert.Equal(("example.com", "test"), (file.Vendor, file.Class));
        var device = Assert.Single(file.Devices).Value;
        Assert.Equal(["TEST_DEVICE=0"], device.ContainerEdits!.Env);
        Assert.Equal("/dev/null", Assert.Single(device.ContainerEdits.DeviceNodes!).Path);
        Assert.Equal(["TEST_COMMON=1"], file.Spec.ContainerEdits!.Env);
    }

    [Theory]
    [InlineData("0.5.0")]
    [InlineData("0.6.0")]
    [InlineData("0.7.0")]
    [InlineData("0.8.0")]
    [InlineData("1.0.0")]
    public void Parse_YamlOfEachVersion_ReadsNumbersAsNumbersAndNamesAsStrings(string version)
    {
        var file = Parse("a.yaml", CdiSpecs.Yaml(version, device: "0"));

        var node = Assert.Single(file.Devices["0"].ContainerEdits!.DeviceNodes!);
        Assert.Equal(("/dev/minato-test0", "/dev/null", "c", 1L, 3L), (node.Path, node.HostPath, node.Type, node.Major, node.Minor));
        Assert.Equal(0x1B6u, node.FileMode); // 0666, octal as CDI's loader reads YAML 1.1
        Assert.Equal("rw", node.Permissions);
        Assert.Equal(["TEST_COMMON=1"], file.Spec.ContainerEdits!.Env);
    }

    [Fact]
    public void Parse_EveryEditKind_IsRead()
    {
        var file = Parse("a.json", """
            {"cdiVersion":"0.7.0","kind":"example.com/test","annotations":{"a":"b"},"devices":[{"name":"d","containerEdits":{
              "env":["A=1"],
              "deviceNodes":[{"path":"/dev/x","type":"c","major":10,"minor":200,"permissions":"none","uid":1,"gid":2}],
              "mounts":[{"hostPath":"/usr/lib/x","containerPath":"/usr/lib/x","options":["ro","rbind"],"type":"bind"}],
              "hooks":[{"hookName":"createContainer","path":"/usr/bin/hook","args":["hook","x"],"env":["H=1"],"timeout":5}],
              "additionalGIDs":[44, 0],
              "intelRdt":{"closID":"gpu","l3CacheSchema":"L3:0=f","enableCMT":true}}}]}
            """);

        var edits = file.Devices["d"].ContainerEdits!;
        Assert.Equal("none", Assert.Single(edits.DeviceNodes!).Permissions);
        Assert.Equal(["ro", "rbind"], Assert.Single(edits.Mounts!).Options);
        var hook = Assert.Single(edits.Hooks!);
        Assert.Equal(("createContainer", 5), (hook.HookName, hook.Timeout));
        Assert.Equal([44u, 0u], edits.AdditionalGids);
        Assert.Equal(("gpu", true), (edits.IntelRdt!.ClosId, edits.IntelRdt.EnableCmt));
    }

    [Theory]
    [InlineData("""{"cdiVersion":"1.1.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]}""", "cdiVersion \"1.1.0\" is not supported")]
    [InlineData("""{"cdiVersion":"0.2.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]}""", "cdiVersion \"0.2.0\" is not supported")]
    [InlineData("""{"kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]}""", "cdiVersion is required")]
    [InlineData("""{"cdiVersion":"0.5.0","kind":"a.com/b","annotations":{"x":"y"},"devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]}""", "they need 0.6.0")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"0","containerEdits":{"env":["A=1"]}}]}""", "they need 0.5.0")]
    [InlineData("""{"cdiVersion":"0.6.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"additionalGids":[5]}}]}""", "they need 0.7.0")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}],"extra":1}""", "extra")]
    [InlineData("""{"cdiVersion":"1.0.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"netDevices":[]}}]}""", "netDevices")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]}""", "must be vendor/class")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[]}""", "defines no devices")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d"}]}""", "device \"d\" has no containerEdits")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}},{"name":"d","containerEdits":{"env":["A=1"]}}]}""", "defined twice")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"-d","containerEdits":{"env":["A=1"]}}]}""", "must start and end")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["=1"]}}]}""", "must be NAME=value")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"dev/x"}]}}]}""", "must be an absolute path")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/../etc/x"}]}}]}""", "must not contain '..'")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/x\u0000"}]}}]}""", "NUL")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/x","type":"z"}]}}]}""", "must be b, c, u or p")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"deviceNodes":[{"path":"/dev/x","permissions":"rx"}]}}]}""", "must combine r, w and m")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"mounts":[{"hostPath":"lib","containerPath":"/lib"}]}}]}""", "mounts hostPath \"lib\" must be an absolute path")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"mounts":[{"hostPath":"/lib","containerPath":"lib"}]}}]}""", "containerPath \"lib\" must be an absolute path")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"hooks":[{"hookName":"preStart","path":"/bin/true"}]}}]}""", "hookName \"preStart\" must be one of")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"hooks":[{"hookName":"poststop","path":"true"}]}}]}""", "poststop hook path \"true\" must be an absolute path")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"hooks":[{"hookName":"poststop","path":"/bin/true","timeout":0}]}}]}""", "timeout must be greater than zero")]
    [InlineData("""{"cdiVersion":"0.7.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"intelRdt":{"closID":"../x"}}}]}""", "closID")]
    [InlineData("""{"cdiVersion":"0.3.0","kind":"a.com/b","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]""", "not a CDI spec")]
    [InlineData("null", "holds no spec")]
    public void Parse_InvalidJsonSpec_FailsWithTheReason(string json, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Parse("bad.json", json));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cdiVersion: 0.3.0\nkind: a.com/b\ndevices:\n  - name: d\n    containerEdits:\n      env: [A=1\n", "YAML error at line")]
    [InlineData("cdiVersion: 0.3.0\nkind: &k a.com/b\ndevices:\n  - name: *k\n    containerEdits: {env: [A=1]}\n", "aliases are not supported")]
    [InlineData("cdiVersion: 0.3.0\nkind: a.com/b\nkind: a.com/c\ndevices: []\n", "appears twice")]
    [InlineData("cdiVersion: 0.3.0\nkind: a.com/b\ndevices:\n  - name: d\n    containerEdits:\n      deviceNodes: [{path: /dev/x, major: twelve}]\n", "major must be an integer")]
    [InlineData("cdiVersion: 0.3.0\nkind: a.com/b\ndevices:\n  - name: d\n    containerEdits: {env: [A=1]}\n---\nkind: x\n", "more than one YAML document")]
    [InlineData("", "no YAML document")]
    [InlineData("cdiVersion: 0.3.0\nkind: a.com/b\ndevices:\n  - name: d\n    containerEdits: {env: [A=1], colour: blue}\n", "colour")]
    public void Parse_InvalidYamlSpec_FailsWithTheReason(string yaml, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Parse("bad.yaml", yaml));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedYaml_IsRefused()
    {
        var yaml = "cdiVersion: 0.3.0\nkind: a.com/b\ndevices: " + new string('[', 40) + new string(']', 40) + "\n";

        var error = Assert.Throws<FormatException>(() => Parse("deep.yaml", yaml));

        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    private static CdiSpecFile Parse(string path, string text) => CdiSpecFile.Parse(path, 0, Encoding.UTF8.GetBytes(text));
}
