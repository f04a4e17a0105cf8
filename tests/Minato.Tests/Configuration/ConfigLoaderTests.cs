using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoFileAtDefaultPathOrExplicitNone_UsesBuiltInDefaults()
    {
        var config = new MinatoConfig();

        Assert.Equal("unix:///run/minato/minato.sock", config.Listen);
        Assert.Equal("/var/lib/minato", config.Root);
        Assert.Equal("/run/minato", config.State);
        Assert.Equal("/run/minato/minato.sock", config.SocketPath);
        Assert.Equal(LogLevel.Information, config.LogLevel);
        Assert.Equal(CgroupDriver.Cgroupfs, config.CgroupDriver);
        Assert.Equal("/etc/cni/net.d", config.Cni.ConfigDir);
        Assert.Equal(["/usr/lib/cni", "/opt/cni/bin"], config.Cni.PluginDirs);
        Assert.Equal(["crun", "runc"], config.RuntimePaths.Keys);
    }

    [Fact]
    public void Load_FileWithEveryKey_AppliesEachValue()
    {
        var file = _dir.Write("minato.toml", """
            listen = "unix:///tmp/x/m.sock"
            root = "/srv/minato"
            state = "/run/m2"
            log_level = "debug"
            log_format = "json"
            cgroup_driver = "cgroupfs"
            cni_config_dir = "/etc/m/cni"
            cni_plugin_dirs = ["/a", "/b"]
            default_runtime = "crun"
            shutdown_timeout_seconds = 3

            [runtimes.crun]
            path = "/usr/local/bin/crun"

            [runtimes.kata-fc]
            path = "/opt/kata/bin/kata-runtime"
            """);

        var config = ConfigLoader.Load(file, new ConfigOverrides());

        Assert.Equal(file, config.SourcePath);
        Assert.Equal("/tmp/x/m.sock", config.SocketPath);
        Assert.Equal("/srv/minato", config.Root);
        Assert.Equal("/run/m2", config.State);
        Assert.Equal(LogLevel.Debug, config.LogLevel);
        Assert.Equal("json", config.LogFormat);
        Assert.Equal("/etc/m/cni", config.Cni.ConfigDir);
        Assert.Equal(["/a", "/b"], config.Cni.PluginDirs);
        Assert.Equal("crun", config.DefaultRuntime);
        Assert.Equal(TimeSpan.FromSeconds(3), config.ShutdownTimeout);
        Assert.Equal("/usr/local/bin/crun", config.RuntimePaths["crun"]);
        Assert.Equal("runc", config.RuntimePaths["runc"]);
        var kata = Assert.Single(config.RuntimeHandlers, h => h.Name == "kata-fc");
        Assert.Equal("/run/m2/runtimes/kata-fc", kata.Root);
    }

    [Theory]
    [InlineData("max_layer_size = \"1GiB\"\nmin_free_space = 0\n", 1L << 30, 0L)]
    [InlineData("max_layer_size = 0\nmin_free_space = \"500MB\"\n", long.MaxValue, 500_000_000L)]
    [InlineData("max_layer_size = 4096\nmin_free_space = \"2g\"\n", 4096L, 2L << 30)]
    [InlineData("max_layer_size = \"10 TiB\"\nmin_free_space = \"512KiB\"\n", 10L << 40, 512L << 10)]
    public void Load_SizeKeys_AcceptBytesAndUnits(string toml, long maxLayer, long minFree)
    {
        var config = ConfigLoader.Load(_dir.Write("minato.toml", toml), new ConfigOverrides());

        Assert.Equal(maxLayer, config.Images.Pull.LayerLimits.MaxUncompressedBytes);
        Assert.Equal(minFree, config.Images.Pull.DiskReserveBytes);
    }

    [Fact]
    public void Defaults_SizeKeys_RenderAsTheyParse()
    {
        var defaults = new MinatoConfig().Images.Pull;

        Assert.Equal("\"32GiB\"", ConfigSchema.RenderSize(defaults.LayerLimits.MaxUncompressedBytes, long.MaxValue));
        Assert.Equal("\"256MiB\"", ConfigSchema.RenderSize(defaults.DiskReserveBytes, -1));
        Assert.Equal(defaults.LayerLimits.MaxUncompressedBytes, ConfigSchema.ParseSize("32GiB"));
        Assert.Equal("0", ConfigSchema.RenderSize(long.MaxValue, long.MaxValue));
    }

    [Theory]
    [InlineData("runtimes.crun.path = \"/y/crun\"\n")]
    [InlineData("runtimes = { crun = { path = \"/y/crun\" } }\n")]
    [InlineData("[runtimes]\ncrun.path = \"/y/crun\"\n")]
    public void Load_DottedKeysAndInlineTables_AreBoundLikeTables(string toml)
    {
        var file = _dir.Write("minato.toml", toml);

        var config = ConfigLoader.Load(file, new ConfigOverrides());

        Assert.Equal("/y/crun", config.RuntimePaths["crun"]);
    }

    [Fact]
    public void Load_FlagsGiven_OverrideTheFile()
    {
        var file = _dir.Write("minato.toml", "root = \"/from/file\"\nlog_level = \"warn\"\n");

        var config = ConfigLoader.Load(file, new ConfigOverrides
        {
            Root = "/from/flag",
            State = "/state/flag",
            Listen = "unix:///flag.sock",
            LogLevel = "trace",
            CniConfigDir = "/cni/flag",
            CniPluginDirs = ["/p1"],
        });

        Assert.Equal("/from/flag", config.Root);
        Assert.Equal("/state/flag", config.State);
        Assert.Equal("/flag.sock", config.SocketPath);
        Assert.Equal(LogLevel.Trace, config.LogLevel);
        Assert.Equal("/cni/flag", config.Cni.ConfigDir);
        Assert.Equal(["/p1"], config.Cni.PluginDirs);
    }

    [Theory]
    [InlineData("colour = \"blue\"\n", "minato.toml:1: unknown key 'colour'")]
    [InlineData("root = \"/r\"\n\n[cni]\nconfig_dir = \"/x\"\n", "minato.toml:4: unknown key 'cni.config_dir'")]
    [InlineData("[runtimes.runc]\npath = \"runc\"\nroot = \"/x\"\n", "minato.toml:3: unknown key 'runtimes.runc.root'")]
    public void Load_UnknownKey_NamesFileLineAndKey(string toml, string expected)
    {
        var file = _dir.Write("minato.toml", toml);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(_dir.Path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("log_level = \"loud\"\n", "key 'log_level' must be one of trace, debug, info, warn, error")]
    [InlineData("root = 5\n", "key 'root' must be a string")]
    [InlineData("cni_plugin_dirs = \"/usr/lib/cni\"\n", "key 'cni_plugin_dirs' must be an array of strings")]
    [InlineData("cni_plugin_dirs = [\"/a\", 3]\n", "key 'cni_plugin_dirs' must be an array of strings")]
    [InlineData("shutdown_timeout_seconds = -1\n", "key 'shutdown_timeout_seconds' must be between 0 and 3600")]
    [InlineData("cgroup_driver = \"cgroupv2\"\n", "key 'cgroup_driver' must be one of cgroupfs, systemd")]
    [InlineData("log_format = true\n", "key 'log_format' must be a string")]
    [InlineData("max_layer_size = \"lots\"\n", "key 'max_layer_size' must be a number of bytes or a size such as \"10GiB\"")]
    [InlineData("max_layer_size = \"1.5GiB\"\n", "key 'max_layer_size' must be a number of bytes or a size")]
    [InlineData("min_free_space = -1\n", "key 'min_free_space' must be between 0 and")]
    [InlineData("min_free_space = \"99999999999PiB\"\n", "key 'min_free_space' must be a number of bytes or a size")]
    [InlineData("[runtimes.\"Bad/Name\"]\npath = \"x\"\n", "names a runtime handler that is not a lowercase DNS label")]
    public void Load_BadValue_NamesFileLineAndKey(string toml, string expected)
    {
        var file = _dir.Write("minato.toml", toml);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("minato.toml:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("listen = \"tcp://0.0.0.0:1\"\n", "key 'listen' must be unix:///absolute/path")]
    [InlineData("listen = \"unix://relative.sock\"\n", "key 'listen' must be unix:///absolute/path")]
    [InlineData("root = \"relative\"\n", "key 'root' must be an absolute path")]
    [InlineData("root = \"/same\"\nstate = \"/same/\"\n", "keys 'root' and 'state' must be different directories")]
    [InlineData("default_runtime = \"youki\"\n", "key 'default_runtime' names \"youki\", which is not a configured runtime")]
    public void Load_InconsistentValues_AreRejectedWithTheKey(string toml, string expected)
    {
        var file = _dir.Write("minato.toml", toml);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SocketPathLongerThanSunPath_IsRejected()
    {
        var e = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Load(null, new ConfigOverrides { Listen = "unix:///" + new string('s', 120) }));

        Assert.Contains("longer than 107 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExplicitFileMissing_NamesTheFile()
    {
        var path = _dir.Combine("absent.toml");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, new ConfigOverrides()));

        Assert.Equal($"{path}: configuration file not found", e.Message);
    }

    [Fact]
    public void Load_SyntaxError_NamesFileAndLine()
    {
        var file = _dir.Write("minato.toml", "root = \"/r\"\nstate = \n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.StartsWith($"{file}:2:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadLogLevelFlag_NamesTheFlag()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, new ConfigOverrides { LogLevel = "chatty", Root = "/r", State = "/s" }));

        Assert.Contains("--log-level", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderDefault_ParsedBack_GivesTheBuiltInDefaults()
    {
        var text = ConfigLoader.RenderDefault();
        var file = _dir.Write("default.toml", text);

        var parsed = ConfigLoader.Load(file, new ConfigOverrides());

        Assert.Equal(ConfigJson.Write(new MinatoConfig()), ConfigJson.Write(parsed with { SourcePath = null }));
        foreach (var key in ConfigSchema.Keys)
        {
            Assert.Contains($"\n{(key.Example is null ? "" : "# ")}{key.Name} = ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RenderDefault_SeccompProfileRoot_ShownCommentedAndOffByDefault()
    {
        Assert.Contains("\n# seccomp_profile_root = \"/var/lib/kubelet/seccomp\"\n", ConfigLoader.RenderDefault(), StringComparison.Ordinal);
        Assert.Equal("", new MinatoConfig().SeccompProfileRoot);
    }

    [Fact]
    public void Load_SeccompProfileRoot_AppliedWhenAbsoluteRefusedWhenRelative()
    {
        var good = _dir.Write("good.toml", "seccomp_profile_root = \"/etc/minato/seccomp\"\n");
        var bad = _dir.Write("bad.toml", "seccomp_profile_root = \"profiles\"\n");

        Assert.Equal("/etc/minato/seccomp", ConfigLoader.Load(good, new ConfigOverrides()).SeccompProfileRoot);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(bad, new ConfigOverrides()));
        Assert.Contains("seccomp_profile_root", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CniConfigTemplate_AppliedWhenAbsoluteAndParsable()
    {
        var template = _dir.Write("cni.template", "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"plugins\": [{\"type\": \"bridge\", \"subnet\": \"{{.PodCIDR}}\"}]}");
        var file = _dir.Write("minato.toml", $"cni_config_template = \"{template}\"\n");

        Assert.Equal(template, ConfigLoader.Load(file, new ConfigOverrides()).CniConfigTemplate);
        Assert.Equal("", new MinatoConfig().CniConfigTemplate);
        Assert.Contains("\n# cni_config_template = \"/etc/minato/cni-conf.template\"\n", ConfigLoader.RenderDefault(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative.template", null, "must be an absolute path")]
    [InlineData("{dir}/absent.template", null, "cannot read CNI config template")]
    [InlineData("{dir}/bad.template", "{{.PodCIDR | printf \"%s\"}}", "bad.template:1: {{.PodCIDR | printf \"%s\"}} is not supported")]
    [InlineData("{dir}/bad.template", "{\"name\": {{.PodCIDR}}}", "does not render to a CNI network list: invalid JSON")]
    [InlineData("{dir}/bad.template", "{\"name\": \"n\", \"cniVersion\": \"1.0.0\", \"plugins\": [{\"type\": \"bridge\", \"r\": [{{range .PodCIDRRanges}}\"{{.}}\"{{end}}]}]}",
        "(checked with pod CIDRs 192.0.2.0/24,2001:db8::/64)")]
    public void Load_CniConfigTemplateUnusable_StopsNamingTheKeyAndProblem(string path, string? content, string problem)
    {
        if (content is not null)
        {
            _dir.Write("bad.template", content);
        }

        var file = _dir.Write("minato.toml", $"cni_config_template = '{path.Replace("{dir}", _dir.Path, StringComparison.Ordinal)}'\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains($"{file}: key 'cni_config_template'", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CdiSpecDirs_DefaultToTheCdiDirectoriesAppliedWhenAbsoluteRefusedWhenRelative()
    {
        var good = _dir.Write("good.toml", "cdi_spec_dirs = [\"/etc/cdi\", \"/srv/cdi\"]\n");
        var bad = _dir.Write("bad.toml", "cdi_spec_dirs = [\"/etc/cdi\", \"cdi\"]\n");

        Assert.Equal(["/etc/cdi", "/var/run/cdi"], new MinatoConfig().CdiSpecDirs);
        Assert.Equal(["/etc/cdi", "/srv/cdi"], ConfigLoader.Load(good, new ConfigOverrides()).CdiSpecDirs);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(bad, new ConfigOverrides()));
        Assert.Contains("key 'cdi_spec_dirs' must be an absolute path (got \"cdi\")", e.Message, StringComparison.Ordinal);
        Assert.Contains("\ncdi_spec_dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n", ConfigLoader.RenderDefault(), StringComparison.Ordinal);
    }

    [Fact]
    public void RenderDefault_VendorRuntimeExample_IsCommentedAndLoadsWhenUncommented()
    {
        var rendered = ConfigLoader.RenderDefault();
        Assert.Contains("\n# [runtimes.nvidia]\n# path = \"/usr/bin/nvidia-container-runtime\"\n", rendered, StringComparison.Ordinal);
        var file = _dir.Write("minato.toml", rendered.Replace("# [runtimes.nvidia]\n# path", "[runtimes.nvidia]\npath", StringComparison.Ordinal));

        var config = ConfigLoader.Load(file, new ConfigOverrides());

        Assert.Equal("/usr/bin/nvidia-container-runtime", config.RuntimePaths["nvidia"]);
        Assert.DoesNotContain("nvidia", new MinatoConfig().RuntimePaths.Keys);
    }

    [Fact]
    public void ConfigJson_EffectiveConfig_UsesTomlKeyNames()
    {
        var json = System.Text.Json.JsonDocument.Parse(ConfigJson.Write(new MinatoConfig { Root = "/r" })).RootElement;

        Assert.Equal("/r", json.GetProperty("root").GetString());
        Assert.Equal("info", json.GetProperty("log_level").GetString());
        Assert.Equal("/r", json.GetProperty("root").GetString());
        Assert.Equal("/run/minato/runtimes/runc", json.GetProperty("runtimes").GetProperty("runc").GetProperty("root").GetString());
    }
}
