using System.Security.Cryptography;

namespace Minato.Engine.Images.Content;

/// <summary>A read-only pass-through stream that hashes what it reads and checks digest and length at the end.</summary>
/// <remarks>
/// It throws <see cref="ContentVerificationException"/> as soon as the inner stream yields a byte past the expected
/// length, and at the inner stream's end when the length is short or the digest differs. The check runs only when the
/// end is reached: a consumer that may stop early (a decompressor) must call <see cref="VerifyToEndAsync"/> after it.
/// </remarks>
public sealed class VerifyingStream : PassThroughReadStream
{
    private readonly IncrementalHash hash;
    private long position;
    private bool verified;

    /// <param name="inner">The stream to read.</param>
    /// <param name="expected">The digest the whole content must have.</param>
    /// <param name="expectedLength">The exact length, or null when unknown (a DiffID).</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="inner"/> open.</param>
    public VerifyingStream(Stream inner, Digest expected, long? expectedLength, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLength ?? 0, nameof(expectedLength));
        Expected = expected;
        ExpectedLength = expectedLength;
        hash = IncrementalHash.CreateHash(expected.HashAlgorithm);
    }

    public Digest Expected { get; }

    public long? ExpectedLength { get; }

    /// <summary>True once the end was reached and both digest and length matched.</summary>
    public bool IsVerified => verified;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => position;

    public override int Read(Span<byte> buffer)
    {
        if (verified || buffer.IsEmpty)
        {
            return 0;
        }

        var read = Inner.Read(buffer[..Allowance(buffer.Length)]);
        return Account(buffer[..read]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (verified || buffer.IsEmpty)
        {
            return 0;
        }

        var read = await Inner.ReadAsync(buffer[..Allowance(buffer.Length)], cancellationToken);
        return Account(buffer.Span[..read]);
    }

    /// <summary>Reads and hashes whatever the consumer left unread, then verifies; throws on any mismatch.</summary>
    public async Task VerifyToEndAsync(CancellationToken cancellationToken)
    {
        var scratch = new byte[16384];
        while (await ReadAsync(scratch, cancellationToken) > 0)
        {
        }
    }

    /// <summary>The synchronous form of <see cref="VerifyToEndAsync"/>.</summary>
    public void VerifyToEnd()
    {
        Span<byte> scratch = stackalloc byte[4096];
        while (Read(scratch) > 0)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
        }

        base.Dispose(disposing);
    }

    // Ask for at most one byte past the expected end: enough to see an extra byte, not enough to buffer a flood.
    private int Allowance(int requested) =>
        ExpectedLength is { } length ? (int)Math.Min(requested, length - position + 1) : requested;

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            Finish();
            return 0;
        }

        position += data.Length;
        if (position > ExpectedLength)
        {
            throw new ContentVerificationException(Expected, $"more than the expected {ExpectedLength} bytes");
        }

        hash.AppendData(data);
        return data.Length;
    }

    private void Finish()
    {
        if (ExpectedLength is { } length && position != length)
        {
            throw new ContentVerificationException(Expected, $"ended after {position} of {length} bytes");
        }

        var actual = Digest.FromHash(Expected.Algorithm, hash.GetHashAndReset());
        if (actual != Expected)
        {
            throw new ContentVerificationException(Expected, $"digest mismatch (got {actual})");
        }

        verified = true;
    }
}
