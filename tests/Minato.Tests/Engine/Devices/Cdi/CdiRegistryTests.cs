using Minato.Engine.Devices.Cdi;
using Minato.Engine.Errors;

namespace Minato.Tests.Engine.Devices.Cdi;

public sealed class CdiRegistryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Resolve_DeviceInJsonAndYamlSpecs_FindsBoth()
    {
        _dir.Write("etc/a.json", CdiSpecs.Json(kind: "example.com/a"));
        _dir.Write("etc/b.yaml", CdiSpecs.Yaml(kind: "example.com/b"));
        var registry = Registry();

        var injection = registry.Resolve(["example.com/a=dev0", "example.com/b=dev0", "example.com/a=dev0"]);

        Assert.Equal(["example.com/a=dev0", "example.com/b=dev0"], injection.Devices);
    }

    [Fact]
    public void Resolve_SameDeviceInTwoDirectories_TheLaterDirectoryWins()
    {
        _dir.Write("etc/a.json", CdiSpecs.Json(env: "FROM=etc"));
        _dir.Write("run/a.json", CdiSpecs.Json(env: "FROM=run"));
        var spec = SpecFixtures.Minimal();

        var applied = Registry().Resolve(["example.com/test=dev0"]).Apply(spec);

        Assert.Contains("FROM=run", applied.Process.Env!);
        Assert.DoesNotContain("FROM=etc", applied.Process.Env!);
    }

    [Fact]
    public void Resolve_SameDeviceInTwoFilesOfOneDirectory_IsInvalidAndNamesBothFiles()
    {
        var first = _dir.Write("etc/a.json", CdiSpecs.Json());
        var second = _dir.Write("etc/b.json", CdiSpecs.Json());

        var error = Assert.Throws<InvalidInputException>(() => Registry().Resolve(["example.com/test=dev0"]));

        Assert.Contains(first, error.Message, StringComparison.Ordinal);
        Assert.Contains(second, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownDevice_IsInvalidAndNamesDeviceAndDirectories()
    {
        _dir.Write("etc/a.json", CdiSpecs.Json());

        var error = Assert.Throws<InvalidInputException>(() => Registry().Resolve(["example.com/test=dev9"]));

        Assert.Contains("CDI device example.com/test=dev9 is not defined", error.Message, StringComparison.Ordinal);
        Assert.Contains(_dir.Combine("etc"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_DeviceOfAMalformedSpec_IsInvalidAndNamesTheFileAndTheError()
    {
        var bad = _dir.Write("etc/broken.yaml", "cdiVersion: 0.3.0\nkind: example.com/test\ndevices: [\n");

        var error = Assert.Throws<InvalidInputException>(() => Registry().Resolve(["example.com/test=dev0"]));

        Assert.Contains("example.com/test=dev0", error.Message, StringComparison.Ordinal);
        Assert.Contains(bad + ": YAML error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MalformedName_IsInvalid()
    {
        var error = Assert.Throws<InvalidInputException>(() => Registry().Resolve(["example.com/test"]));

        Assert.Contains("fully qualified", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_AllWhenNoDeviceIsNamedAll_GivesEveryDeviceOfTheKind()
    {
        _dir.Write("etc/a.json", CdiSpecs.Json(device: "b"));
        _dir.Write("etc/b.json", CdiSpecs.Json(device: "a"));
        _dir.Write("etc/c.json", CdiSpecs.Json(kind: "example.com/other", device: "c"));

        var injection = Registry().Resolve(["example.com/test=all"]);

        Assert.Equal(["example.com/test=a", "example.com/test=b"], injection.Devices);
    }

    [Fact]
    public void Resolve_SpecWrittenAfterTheFirstCall_IsSeenByTheNext()
    {
        var registry = Registry();
        Assert.Throws<InvalidInputException>(() => registry.Resolve(["example.com/test=dev0"]));

        _dir.Write("run/late.json", CdiSpecs.Json());

        Assert.Equal(["example.com/test=dev0"], registry.Resolve(["example.com/test=dev0"]).Devices);
    }

    [Fact]
    public void Resolve_SpecRewrittenWithTheSameSizeAndTime_IsReadAgainWhileItIsFresh()
    {
        var path = _dir.Write("etc/a.json", CdiSpecs.Json(env: "VALUE=1"));
        var time = new FixedTime(File.GetLastWriteTimeUtc(path));
        var registry = Registry(time);
        Assert.Contains("VALUE=1", registry.Resolve(["example.com/test=dev0"]).Apply(SpecFixtures.Minimal()).Process.Env!);
        var stamp = File.GetLastWriteTimeUtc(path);

        File.WriteAllText(path, CdiSpecs.Json(env: "VALUE=2"));
        File.SetLastWriteTimeUtc(path, stamp);

        Assert.Contains("VALUE=2", registry.Resolve(["example.com/test=dev0"]).Apply(SpecFixtures.Minimal()).Process.Env!);
    }

    [Fact]
    public void Resolve_SpecOverTheSizeBound_IsNotRead()
    {
        var path = _dir.Write("etc/a.json", CdiSpecs.Json());
        var registry = new CdiRegistry(new CdiOptions { SpecDirectories = [_dir.Combine("etc")], MaxSpecBytes = 64 }, TimeProvider.System);

        var error = Assert.Throws<InvalidInputException>(() => registry.Resolve(["example.com/test=dev0"]));

        Assert.Contains($"{path}: larger than 64 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_NonSpecFilesAndMissingDirectories_AreIgnored()
    {
        _dir.Write("etc/readme.txt", "not a spec");
        _dir.Write("etc/a.json", CdiSpecs.Json());
        var registry = new CdiRegistry(new CdiOptions { SpecDirectories = [_dir.Combine("missing"), _dir.Combine("etc")] }, TimeProvider.System);

        var catalog = registry.Catalog();

        Assert.Equal(["example.com/test=dev0"], catalog.DeviceNames);
        Assert.Empty(catalog.Errors);
    }

    private CdiRegistry Registry(TimeProvider? time = null) =>
        new(new CdiOptions { SpecDirectories = [_dir.Combine("etc"), _dir.Combine("run")] }, time ?? TimeProvider.System);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
