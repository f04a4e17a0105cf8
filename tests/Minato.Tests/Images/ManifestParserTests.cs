using System.Text;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Manifests;

namespace Minato.Tests.Images;

public sealed class ManifestParserTests
{
    private static readonly string Config = "sha256:" + new string('c', 64);
    private static readonly string Layer = "sha256:" + new string('1', 64);

    private static string ManifestJson(string mediaType = MediaTypes.OciManifest, string configType = MediaTypes.OciConfig, string extra = "") =>
        $$"""{"schemaVersion":2,"mediaType":"{{mediaType}}","config":{"mediaType":"{{configType}}","digest":"{{Config}}","size":10},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{Layer}}","size":5}]{{extra}}}""";

    private static FetchedManifest Parse(string json, string? contentType = null, string? expected = null)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return ManifestParser.Parse(bytes, Digest.Compute(bytes), contentType, expected);
    }

    [Fact]
    public void Parse_OciManifest_Accepted()
    {
        var manifest = Parse(ManifestJson(), MediaTypes.OciManifest, MediaTypes.OciManifest);

        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Single(manifest.Document.Layers!);
    }

    [Fact]
    public void Parse_BothManifestsAndLayers_Refused()
    {
        var error = Assert.Throws<UnsupportedImageException>(() => Parse(ManifestJson(extra: ",\"manifests\":[]")));

        Assert.Contains("both", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MediaTypes.OciIndex, null)]
    [InlineData(null, MediaTypes.DockerManifest)]
    public void Parse_MediaTypesDisagree_Refused(string? contentType, string? expected)
    {
        Assert.Throws<UnsupportedImageException>(() => Parse(ManifestJson(), contentType, expected));
    }

    [Fact]
    public void Parse_Schema1_RefusedWithClearMessage()
    {
        var error = Assert.Throws<UnsupportedImageException>(() => Parse("""{"schemaVersion":1,"name":"a","fsLayers":[]}"""));

        Assert.Contains("schema 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ArtifactConfig_Refused()
    {
        var error = Assert.Throws<UnsupportedImageException>(() => Parse(ManifestJson(configType: "application/vnd.cncf.helm.config.v1+json")));

        Assert.Contains("not a container image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLarge_Refused()
    {
        var bytes = new byte[ManifestParser.MaxManifestBytes + 1];

        Assert.Throws<SizeLimitExceededException>(() => ManifestParser.Parse(bytes, Digest.Compute(bytes), null, null));
    }

    [Fact]
    public void ParseConfig_DiffIdCountDiffers_Refused()
    {
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"User":"1000:1000"}}""");

        Assert.Throws<UnsupportedImageException>(() => ManifestParser.ParseConfig(config, Digest.Compute(config), 1));
        Assert.Equal("1000:1000", ManifestParser.ParseConfig(config, Digest.Compute(config), 0).Config!.User);
    }

    [Fact]
    public void Choose_Index_BestVariantForHost()
    {
        var matcher = new PlatformMatcher("amd64", ["v3", "v2", "v1"]);
        Descriptor Entry(string arch, string? variant, char c) =>
            new() { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string(c, 64), Size = 1, Platform = new Platform { Os = "linux", Architecture = arch, Variant = variant } };
        var entries = new[] { Entry("arm64", "v8", 'a'), Entry("amd64", null, 'b'), Entry("amd64", "v2", 'c'), Entry("amd64", "v4", 'd') };

        var chosen = matcher.Choose(entries, Digest.Parse("sha256:" + new string('0', 64)));

        Assert.Equal("v2", chosen.Platform!.Variant);
        Assert.Throws<UnsupportedImageException>(() => matcher.Choose([entries[0]], Digest.Parse("sha256:" + new string('0', 64))));
    }

    [Fact]
    public void Amd64Levels_FlagsOfV2Cpu_V2ThenV1()
    {
        Assert.Equal(["v2", "v1"], PlatformMatcher.Amd64Levels(new HashSet<string> { "sse4_2", "popcnt", "ssse3", "cx16", "avx2" }));
    }
}
