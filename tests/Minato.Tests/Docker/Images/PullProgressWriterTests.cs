using System.Text;
using System.Text.Json;
using Minato.Docker.Images;
using Minato.Engine.Images.Pull;

namespace Minato.Tests.Docker.Images;

public sealed class PullProgressWriterTests
{
    private const string Layer = "sha256:914c8b13243e0123456789abcdef0123456789abcdef0123456789abcdef0000";

    [Fact]
    public async Task LayersAsync_DownloadThenDone_WritesDockerdLinesInOrder()
    {
        using var output = new MemoryStream();
        var writer = new PullProgressWriter(output);

        await writer.LayersAsync([new LayerProgress(Layer, 2000, 0, LayerState.Waiting)], default);
        await writer.LayersAsync([new LayerProgress(Layer, 2000, 1000, LayerState.Downloading)], default);
        await writer.LayersAsync([new LayerProgress(Layer, 2000, 1000, LayerState.Downloading)], default);
        await writer.LayersAsync([new LayerProgress(Layer, 2000, 2000, LayerState.Done)], default);

        var lines = Lines(output);
        Assert.Equal(["Pulling fs layer", "Downloading", "Download complete", "Pull complete"], lines.Select(l => l.GetProperty("status").GetString()));
        Assert.All(lines, l => Assert.Equal("914c8b13243e", l.GetProperty("id").GetString()));
        Assert.Equal(1000, lines[1].GetProperty("progressDetail").GetProperty("current").GetInt64());
        Assert.Equal(2000, lines[1].GetProperty("progressDetail").GetProperty("total").GetInt64());
        Assert.StartsWith("[=========================>", lines[1].GetProperty("progress").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, lines[0].GetProperty("progressDetail").ValueKind);
    }

    [Fact]
    public async Task LayersAsync_LayerAlreadyStored_OneAlreadyExistsLine()
    {
        using var output = new MemoryStream();
        var writer = new PullProgressWriter(output);

        await writer.LayersAsync([new LayerProgress(Layer, 2000, 0, LayerState.AlreadyExists)], default);
        await writer.LayersAsync([new LayerProgress(Layer, 2000, 0, LayerState.AlreadyExists)], default);

        Assert.Equal(["Already exists"], Lines(output).Select(l => l.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ErrorAsync_WritesErrorAndErrorDetail()
    {
        using var output = new MemoryStream();
        var writer = new PullProgressWriter(output);

        await writer.ErrorAsync("layer broken", default);

        var line = Lines(output).Single();
        Assert.Equal("layer broken", line.GetProperty("error").GetString());
        Assert.Equal("layer broken", line.GetProperty("errorDetail").GetProperty("message").GetString());
        Assert.False(line.TryGetProperty("status", out _));
        Assert.True(writer.Started);
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(999, "999B")]
    [InlineData(1234, "1.234kB")]
    [InlineData(5_000_000, "5MB")]
    [InlineData(1_982_466, "1.982MB")]
    public void HumanSize_Bytes_DecimalUnitsFourDigits(long bytes, string expected)
    {
        Assert.Equal(expected, PullProgressWriter.HumanSize(bytes));
    }

    private static List<JsonElement> Lines(MemoryStream output) =>
        [.. Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
}
