using Minato.Engine.Images;
using Minato.Engine.Images.Content;

namespace Minato.Tests.Images;

/// <summary>Digest and length checks of VerifyingStream and the cap of LimitedStream.</summary>
public sealed class VerifyingStreamTests
{
    private static readonly byte[] Body = "layer bytes"u8.ToArray();

    [Fact]
    public async Task ReadAsync_MatchingBody_IsVerifiedAtTheEnd()
    {
        using var stream = new VerifyingStream(new MemoryStream(Body), Digest.Compute(Body), Body.Length);

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.True(stream.IsVerified);
        Assert.Equal(Body, copy.ToArray());
    }

    [Fact]
    public async Task ReadAsync_DigestMismatch_Throws()
    {
        using var stream = new VerifyingStream(new MemoryStream(Body), Digest.Compute("other"u8), Body.Length);

        await Assert.ThrowsAsync<ContentVerificationException>(() => stream.CopyToAsync(Stream.Null));
        Assert.False(stream.IsVerified);
    }

    [Fact]
    public async Task ReadAsync_ExtraByte_Throws()
    {
        byte[] longer = [.. Body, 0];
        using var stream = new VerifyingStream(new MemoryStream(longer), Digest.Compute(Body), Body.Length);

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains("more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ShortBody_Throws()
    {
        using var stream = new VerifyingStream(new MemoryStream(Body[..^1]), Digest.Compute(Body), Body.Length);

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains("ended after", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyToEndAsync_ConsumerStoppedAtExpectedLength_StillDetectsExtraByte()
    {
        byte[] longer = [.. Body, 0];
        using var stream = new VerifyingStream(new MemoryStream(longer), Digest.Compute(Body), Body.Length);
        await stream.ReadExactlyAsync(new byte[Body.Length]);

        await Assert.ThrowsAsync<ContentVerificationException>(() => stream.VerifyToEndAsync(CancellationToken.None));
    }

    [Fact]
    public void Read_UnknownLength_VerifiesDigestOnly()
    {
        using var stream = new VerifyingStream(new MemoryStream(Body), Digest.Compute(Body), expectedLength: null);

        stream.CopyTo(Stream.Null);

        Assert.True(stream.IsVerified);
    }

    [Fact]
    public void Read_LimitedStreamExactlyAtLimit_Succeeds()
    {
        using var stream = new LimitedStream(new MemoryStream(Body), Body.Length);

        stream.CopyTo(Stream.Null);
    }

    [Fact]
    public void Read_LimitedStreamOneByteOver_Throws()
    {
        using var stream = new LimitedStream(new MemoryStream(Body), Body.Length - 1);

        Assert.Throws<SizeLimitExceededException>(() => stream.CopyTo(Stream.Null));
    }
}
