using System.IO.Compression;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;

namespace Minato.Tests.Images;

/// <summary>The verify-decompress-verify chain feeding the unpacker: good layers pass, bad blobs and bombs fail.</summary>
public sealed class LayerStreamTests : IDisposable
{
    private readonly SnapshotSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task UnpackAsync_VerifiedLayer_UnpacksAndVerifiesBothDigests(LayerCompression compression)
    {
        var tar = new TarBuilder().Directory("etc").File("etc/os-release", "ID=minato\n").Build();
        var blob = Compress(tar, compression);
        using var layer = LayerStream.Open(
            new MemoryStream(blob), Digest.Compute(blob), blob.Length, Digest.Compute(tar), compression, new LayerLimits());

        var result = await sandbox.UnpackAsync(layer);

        Assert.True(layer.IsVerified);
        Assert.Equal(2, result.Entries);
        Assert.Equal("ID=minato\n", File.ReadAllText(Path.Combine(sandbox.Root, "etc/os-release")));
    }

    [Fact]
    public async Task UnpackAsync_BlobDigestMismatch_Throws()
    {
        var blob = Compress(new TarBuilder().File("f", "x").Build(), LayerCompression.Gzip);
        var tar = new TarBuilder().File("f", "x").Build();
        using var layer = LayerStream.Open(
            new MemoryStream(blob), Digest.Compute("other"u8), blob.Length, Digest.Compute(tar), LayerCompression.Gzip, new LayerLimits());

        await Assert.ThrowsAsync<ContentVerificationException>(() => sandbox.UnpackAsync(layer));
    }

    [Fact]
    public async Task UnpackAsync_DiffIdMismatch_Throws()
    {
        var tar = new TarBuilder().File("f", "x").Build();
        var blob = Compress(tar, LayerCompression.Gzip);
        using var layer = LayerStream.Open(
            new MemoryStream(blob), Digest.Compute(blob), blob.Length, Digest.Compute(blob), LayerCompression.Gzip, new LayerLimits());

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => sandbox.UnpackAsync(layer));
        Assert.Contains("digest mismatch", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    public async Task UnpackAsync_BlobWithExtraByte_Throws(LayerCompression compression)
    {
        var tar = new TarBuilder().File("f", "x").Build();
        var blob = Compress(tar, compression);
        byte[] longer = [.. blob, 0];
        using var layer = LayerStream.Open(
            new MemoryStream(longer), Digest.Compute(blob), blob.Length, Digest.Compute(tar), compression, new LayerLimits());

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => sandbox.UnpackAsync(layer));
        Assert.Contains("more than", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    public async Task UnpackAsync_BlobShortBody_Throws(LayerCompression compression)
    {
        var tar = new TarBuilder().File("f", "x").Build();
        var blob = Compress(tar, compression);
        using var layer = LayerStream.Open(
            new MemoryStream(blob[..^1]), Digest.Compute(blob), blob.Length, Digest.Compute(tar), compression, new LayerLimits());

        await Assert.ThrowsAnyAsync<IOException>(() => sandbox.UnpackAsync(layer));
        Assert.False(layer.IsVerified);
    }

    [Fact]
    public async Task UnpackAsync_GzipBomb_FailsAtTheCapWithoutFillingTheDisk()
    {
        var bomb = GzipBomb(256L << 20);
        var limits = new LayerLimits { MaxUncompressedBytes = 4 << 20 };
        using var layer = LayerStream.Open(
            new MemoryStream(bomb), Digest.Compute(bomb), bomb.Length, Digest.Compute([]), LayerCompression.Gzip, limits);

        await Assert.ThrowsAsync<SizeLimitExceededException>(() => sandbox.UnpackAsync(layer, SnapshotSandbox.Limits(1L << 40)));

        Assert.True(sandbox.Status("zeros")!.Value.Size <= 4 << 20);
        sandbox.AssertHostUntouched();
    }

    [Fact]
    public async Task UnpackAsync_GzipBombUnderRatioCap_FailsAtTheRatio()
    {
        var bomb = GzipBomb(64L << 20);
        var limits = new LayerLimits { MaxCompressionRatio = 10 };
        using var layer = LayerStream.Open(
            new MemoryStream(bomb), Digest.Compute(bomb), bomb.Length, Digest.Compute([]), LayerCompression.Gzip, limits);

        var error = await Assert.ThrowsAsync<SizeLimitExceededException>(() => sandbox.UnpackAsync(layer, SnapshotSandbox.Limits(1L << 40)));
        Assert.Equal(bomb.Length * 10L, error.Limit);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task UnpackAsync_GarbageBlob_ThrowsMalformed(LayerCompression compression)
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x1f;
        using var layer = LayerStream.Open(
            new MemoryStream(garbage), Digest.Compute(garbage), garbage.Length, Digest.Compute([]), compression, new LayerLimits());

        await Assert.ThrowsAsync<MalformedLayerException>(() => sandbox.UnpackAsync(layer));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task UnpackAsync_TruncatedBlob_Throws(LayerCompression compression)
    {
        var tar = new TarBuilder().File("f", new string('x', 100_000)).Build();
        var blob = Compress(tar, compression)[..^40];
        using var layer = LayerStream.Open(
            new MemoryStream(blob), Digest.Compute(blob), blob.Length, Digest.Compute(tar), compression, new LayerLimits());

        await Assert.ThrowsAnyAsync<IOException>(() => sandbox.UnpackAsync(layer));
    }

    internal static byte[] Compress(byte[] data, LayerCompression compression)
    {
        var output = new MemoryStream();
        using (Stream encoder = compression switch
        {
            LayerCompression.Gzip => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            LayerCompression.Zstd => new ZstdSharp.CompressionStream(output, leaveOpen: true),
            _ => new MemoryStream(),
        })
        {
            encoder.Write(data);
        }

        return compression == LayerCompression.None ? data : output.ToArray();
    }

    /// <summary>A gzip of a tar whose single file is <paramref name="size"/> zero bytes: tiny on the wire, huge unpacked.</summary>
    private static byte[] GzipBomb(long size)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new TarBuilder().Entry('0', "zeros", [], size: size).Build(endMarker: false));
            var zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.Length)
            {
                gzip.Write(zeros);
            }

            gzip.Write(new byte[1024]);
        }

        return output.ToArray();
    }
}
