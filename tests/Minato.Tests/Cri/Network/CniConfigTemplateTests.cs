using System.Text;
using System.Text.Json;
using Minato.Cri.Network;

namespace Minato.Tests.Cri.Network;

public sealed class CniConfigTemplateTests : IDisposable
{
    /// <summary>The template containerd documents for <c>conf_template</c>, with its trim markers and separators.</summary>
    private const string ContainerdStyle = """
        {{- /* a bridge network for this node */ -}}
        {
          "name": "minato-net",
          "cniVersion": "1.0.0",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "cni0",
              "isGateway": true,
              "ipMasq": true,
              "ipam": {
                "type": "host-local",
                "ranges": [
                  {{- range $i, $range := .PodCIDRRanges}}{{if $i}},{{end}}
                  [{"subnet": "{{$range}}"}]
                  {{- end}}
                ],
                "routes": [
                  {{- range $i, $route := .Routes}}{{if $i}},{{end}}
                  {"dst": "{{$route}}"}
                  {{- end}}
                ]
              }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}}
          ]
        }
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Render_ContainerdTemplateDualStack_EveryRangeAndRouteInValidJson()
    {
        var json = RenderJson(ContainerdStyle, "10.244.1.0/24,fd00:10:244:1::/64");

        var ipam = json.GetProperty("plugins")[0].GetProperty("ipam");
        Assert.Equal(["10.244.1.0/24", "fd00:10:244:1::/64"], ipam.GetProperty("ranges").EnumerateArray().Select(r => r[0].GetProperty("subnet").GetString()));
        Assert.Equal(["0.0.0.0/0", "::/0"], ipam.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("dst").GetString()));
    }

    [Fact]
    public void Render_IPv4Only_OneRangeAndTheIPv4DefaultRoute()
    {
        var json = RenderJson(ContainerdStyle, "10.244.1.0/24");

        var ipam = json.GetProperty("plugins")[0].GetProperty("ipam");
        Assert.Equal("10.244.1.0/24", Assert.Single(ipam.GetProperty("ranges").EnumerateArray())[0].GetProperty("subnet").GetString());
        Assert.Equal("0.0.0.0/0", Assert.Single(ipam.GetProperty("routes").EnumerateArray()).GetProperty("dst").GetString());
    }

    [Fact]
    public void Render_IPv6Only_TheIPv6DefaultRouteOnly()
    {
        var json = RenderJson(ContainerdStyle, "fd00:10:244:1::/64");

        var routes = json.GetProperty("plugins")[0].GetProperty("ipam").GetProperty("routes");
        Assert.Equal("::/0", Assert.Single(routes.EnumerateArray()).GetProperty("dst").GetString());
    }

    [Fact]
    public void Render_TrimMarkers_RemoveWhitespaceOnTheirSideOnly()
    {
        var text = Render(Network("\"a\": \"x  {{- .PodCIDR -}}  y\", \"b\": \" {{.PodCIDR}} \""), "10.0.0.0/8");

        Assert.Contains("\"a\": \"x10.0.0.0/8y\"", text, StringComparison.Ordinal);
        Assert.Contains("\"b\": \" 10.0.0.0/8 \"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PodCidrIsTheFirstCidr_AlsoAsDollarPathInsideRange()
    {
        var text = Render(
            Network("\"first\": \"{{.PodCIDR}}\", \"r\": [{{range $i, $x := .Routes}}{{if $i}},{{end}}\"{{$.PodCIDR}} {{.}}\"{{end}}]"),
            "fd00::/64,10.0.0.0/8");

        Assert.Contains("\"first\": \"fd00::/64\"", text, StringComparison.Ordinal);
        Assert.Contains("\"r\": [\"fd00::/64 0.0.0.0/0\",\"fd00::/64 ::/0\"]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RangeWithoutVariables_DotIsTheItem()
    {
        var text = Render(Network("\"r\": [{{range .PodCIDRRanges}}\"{{.}}\"{{end}}]"), "10.0.0.0/8");

        Assert.Contains("\"r\": [\"10.0.0.0/8\"]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RangeWithOnlyAnElementVariableAndIfOnIt_EachItem()
    {
        var text = Render(Network("\"r\": [{{range $r := .PodCIDRRanges}}{{if $r}}\"{{$r}}\",{{end}}{{end}} \"end\"]"), "10.1.0.0/16,10.2.0.0/16");

        Assert.Contains("\"r\": [\"10.1.0.0/16\",\"10.2.0.0/16\", \"end\"]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_CommentsSpanningLinesAndHoldingBraces_Dropped()
    {
        var text = Render("{{/* line one\n}} still a comment */}}" + Network("\"c\": \"{{.PodCIDR}}\""), "10.0.0.0/8");

        Assert.StartsWith("{\"cniVersion\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{.PodCIDR | printf \"%s\"}}", "is not supported")]
    [InlineData("{{printf \"%s\" .PodCIDR}}", "is not supported")]
    [InlineData("{{.NodeName}}", "is not supported")]
    [InlineData("{{template \"x\"}}", "is not supported")]
    [InlineData("{{define \"x\"}}{{end}}", "is not supported")]
    [InlineData("{{with .PodCIDR}}{{end}}", "is not supported")]
    [InlineData("{{$x := .PodCIDR}}", "is not supported")]
    [InlineData("{{.PodCIDRRanges}}", "prints a list")]
    [InlineData("{{range .Hosts}}{{end}}", "ranges over something other than")]
    [InlineData("{{range $i, $i := .Routes}}{{end}}", "is not a supported range")]
    [InlineData("{{range $i, $r := .Routes}}{{range .PodCIDRRanges}}{{end}}{{end}}", "range inside a range")]
    [InlineData("{{range $i, $r := .Routes}}{{if $i}},{{else}};{{end}}{{end}}", "{{else}} is not supported")]
    [InlineData("{{range $i, $r := .Routes}}{{.PodCIDR}}{{end}}", "use {{$.PodCIDR}}")]
    [InlineData("{{range .Routes}}{{$r}}{{end}}", "{{$r}} is not supported")]
    [InlineData("{{if $i}}x{{end}}", "tests something other than a variable")]
    [InlineData("{{range .Routes}}", "has no {{end}}")]
    [InlineData("{{end}}", "has no {{range}} or {{if}} to end")]
    [InlineData("{{.PodCIDR", "never closed")]
    [InlineData("{{/* open", "never closed")]
    [InlineData("{{/* x */ .PodCIDR}}", "comment must end with */")]
    [InlineData("{{}}", "is empty")]
    [InlineData("{{-1}}", "is not supported")]
    public void Parse_UnsupportedConstruct_RefusedNamingTemplateLineAndConstruct(string construct, string problem)
    {
        var e = Assert.Throws<FormatException>(() => CniConfigTemplate.Parse("/etc/minato/t.conflist", "{\n\n" + construct + "\n}"));

        Assert.StartsWith("/etc/minato/t.conflist:3: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnsupportedConstruct_MessageShowsTheAction()
    {
        var e = Assert.Throws<FormatException>(() => CniConfigTemplate.Parse("t", "{{ .PodCIDR | js }}"));

        Assert.Contains("{{ .PodCIDR | js }}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OutputNotJson_FormatExceptionNamingTheTemplate()
    {
        var template = CniConfigTemplate.Parse("/t", "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"plugins\": [{\"type\": \"bridge\"}], \"x\": {{.PodCIDR}}}");

        var e = Assert.Throws<FormatException>(() => template.Render(PodCidr.ParseList("10.0.0.0/8")));

        Assert.Contains("CNI config template /t does not render to a CNI network list: invalid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_JsonButNoPlugins_FormatException()
    {
        var template = CniConfigTemplate.Parse("/t", "{\"cniVersion\": \"1.0.0\", \"name\": \"{{.PodCIDR}}\"}");

        var e = Assert.Throws<FormatException>(() => template.Render(PodCidr.ParseList("10.0.0.0/8")));

        Assert.Contains("\"plugins\" is missing or empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TemplateFile_ParsedAndRendered()
    {
        var path = _dir.Write("t.conflist", ContainerdStyle);

        var bytes = CniConfigTemplate.Load(path).Render(PodCidr.ParseList("10.244.1.0/24"));

        Assert.Contains("\"subnet\": \"10.244.1.0/24\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingOversizedOrNotUtf8_FormatExceptionNamingTheFile()
    {
        var missing = _dir.Combine("absent");
        var large = _dir.Write("large", new string(' ', CniConfigTemplate.MaxSize + 1));
        var binary = _dir.Combine("binary");
        File.WriteAllBytes(binary, [0x7B, 0xFF, 0xFE, 0x7D]);

        Assert.Contains(missing, Assert.Throws<FormatException>(() => CniConfigTemplate.Load(missing)).Message, StringComparison.Ordinal);
        Assert.Contains("larger than 65536 bytes", Assert.Throws<FormatException>(() => CniConfigTemplate.Load(large)).Message, StringComparison.Ordinal);
        Assert.Contains("is not UTF-8", Assert.Throws<FormatException>(() => CniConfigTemplate.Load(binary)).Message, StringComparison.Ordinal);
    }

    private static string Network(string extra) =>
        "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"plugins\": [{\"type\": \"bridge\"}], " + extra + "}";

    private static string Render(string template, string cidrs) =>
        Encoding.UTF8.GetString(CniConfigTemplate.Parse("test", template).Render(PodCidr.ParseList(cidrs)));

    private static JsonElement RenderJson(string template, string cidrs) => JsonDocument.Parse(Render(template, cidrs)).RootElement;
}
