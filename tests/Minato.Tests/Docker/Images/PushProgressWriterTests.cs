using System.Text;
using System.Text.Json;
using Minato.Docker.Images;
using Minato.Engine.Images.Push;

namespace Minato.Tests.Docker.Images;

public sealed class PushProgressWriterTests
{
    private const string Blob = "sha256:1111111111110123456789abcdef0123456789abcdef0123456789abcdef0000";
    private const string DiffId = "sha256:2222222222220123456789abcdef0123456789abcdef0123456789abcdef0000";

    [Fact]
    public async Task LayersAsync_UploadThenDone_DockerdLinesKeyedByDiffIdThenDigestAndAux()
    {
        using var output = new MemoryStream();
        var writer = new PushProgressWriter(output);

        await writer.LayersAsync([new PushLayerProgress(Blob, DiffId, 2000, 0, PushLayerState.Waiting, null)], default);
        await writer.LayersAsync([new PushLayerProgress(Blob, DiffId, 2000, 1000, PushLayerState.Pushing, null)], default);
        await writer.LayersAsync([new PushLayerProgress(Blob, DiffId, 2000, 1000, PushLayerState.Pushing, null)], default);
        await writer.LayersAsync([new PushLayerProgress(Blob, DiffId, 2000, 2000, PushLayerState.Pushed, null)], default);
        await writer.DoneAsync(new PushResult("v1", "sha256:abc", 527), default);

        var lines = Lines(output);
        Assert.Equal(["Preparing", "Waiting", "Pushing", "Pushed", "v1: digest: sha256:abc size: 527"],
            lines.Take(5).Select(l => l.GetProperty("status").GetString()));
        Assert.All(lines.Take(4), l => Assert.Equal("222222222222", l.GetProperty("id").GetString()));
        Assert.Equal(1000, lines[2].GetProperty("progressDetail").GetProperty("current").GetInt64());
        var aux = lines[5].GetProperty("aux");
        Assert.Equal("v1", aux.GetProperty("Tag").GetString());
        Assert.Equal("sha256:abc", aux.GetProperty("Digest").GetString());
        Assert.Equal(527, aux.GetProperty("Size").GetInt64());
    }

    [Theory]
    [InlineData(PushLayerState.AlreadyExists, null, "Layer already exists")]
    [InlineData(PushLayerState.Mounted, "src/app", "Mounted from src/app")]
    public async Task LayersAsync_SkippedLayer_PreparingThenOneLine(PushLayerState state, string? from, string expected)
    {
        using var output = new MemoryStream();
        var writer = new PushProgressWriter(output);

        await writer.LayersAsync([new PushLayerProgress(Blob, DiffId, 2000, 0, state, from)], default);
        await writer.LayersAsync([new PushLayerProgress(Blob, DiffId, 2000, 0, state, from)], default);

        Assert.Equal(["Preparing", expected], Lines(output).Select(l => l.GetProperty("status").GetString()));
    }

    private static List<JsonElement> Lines(MemoryStream output) =>
    [
        .. Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement),
    ];
}
